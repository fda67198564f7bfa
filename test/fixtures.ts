/** A small hand-built chain: a devnet-like genesis, then a block of signed contract transactions. */
import { FIXED8_ONE } from '../core/encoding/index.ts';
import { generatePrivateKey, getPublicKey, sign } from '../core/crypto/index.ts';
import { multiSigScript, scriptHash, singleKeyScript } from '../core/script/index.ts';
import { signTransaction, transactionHash, type Transaction } from '../core/tx/index.ts';
import {
  ANTSHARE_ID, blockHash, buildGenesisBlock, computeMerkleRoot, consensusThreshold, headerMessage, type Block,
} from '../core/block/index.ts';
import { invocationScript } from '../core/tx/sign.ts';
import { comparePublicKeys } from '../core/crypto/keys.ts';

export interface Chain {
  validators: Uint8Array[];
  holderKey: Uint8Array;
  genesis: Block;
  block1: Block;
  /** Script hashes that must sign each transaction of block 1 (owners of the outputs it spends). */
  signers: Uint8Array[][];
}

/** Signs a header with the validators' M-of-N script (signatures in key order). */
export function signHeader(block: Omit<Block, 'witness'>, validatorKeys: Uint8Array[]): Block {
  const pubs = validatorKeys.map((k) => getPublicKey(k));
  const m = consensusThreshold(pubs.length);
  const script = multiSigScript(m, pubs);
  const inKeyOrder = validatorKeys.map((k, i) => ({ k, p: pubs[i] })).sort((a, b) => comparePublicKeys(a.p, b.p));
  const msg = headerMessage(block);
  const sigs = inKeyOrder.slice(0, m).map(({ k }) => sign(msg, k));
  return { ...block, witness: { invocation: invocationScript(sigs), verification: script } };
}

/** Genesis with 4 validators, then block 1 with a MinerTransaction and `transfers` chained transfers. */
export function buildChain(transfers = 3): Chain {
  const validators = Array.from({ length: 4 }, () => generatePrivateKey());
  const holderKey = generatePrivateKey();
  const holderScript = singleKeyScript(getPublicKey(holderKey));
  const genesis = buildGenesisBlock({
    standbyValidators: validators.map((k) => getPublicKey(k)),
    antShareHolder: scriptHash(holderScript),
    timestamp: 1_700_000_000,
    nonce: 42,
  });
  const issue = genesis.transactions[3];
  const txs: Transaction[] = [{ type: 'MinerTransaction', version: 0, nonce: 7, attributes: [], inputs: [], outputs: [], witnesses: [] }];
  const signers: Uint8Array[][] = [[]];
  let prev = { hash: transactionHash(issue), index: 0, value: issue.outputs[0].value, key: holderKey };
  for (let i = 0; i < transfers; i++) {
    const nextKey = generatePrivateKey();
    const toScript = scriptHash(singleKeyScript(getPublicKey(nextKey)));
    const fromScript = singleKeyScript(getPublicKey(prev.key));
    const tx = signTransaction(
      {
        type: 'ContractTransaction', version: 0, attributes: [], witnesses: [],
        inputs: [{ prevHash: prev.hash, prevIndex: prev.index }],
        outputs: [
          { assetId: ANTSHARE_ID, value: 100n * FIXED8_ONE, scriptHash: toScript },
          { assetId: ANTSHARE_ID, value: prev.value - 100n * FIXED8_ONE, scriptHash: scriptHash(fromScript) },
        ],
      },
      [{ script: fromScript, keys: [prev.key] }],
    );
    txs.push(tx);
    signers.push([scriptHash(fromScript)]);
    prev = { hash: transactionHash(tx), index: 1, value: prev.value - 100n * FIXED8_ONE, key: prev.key };
  }
  const block1 = signHeader(
    {
      version: 0, prevBlock: blockHash(genesis), merkleRoot: computeMerkleRoot(txs), timestamp: genesis.timestamp + 2, height: 1,
      consensusData: 0x0123456789abcdefn, nextMiner: genesis.nextMiner, transactions: txs,
    },
    validators,
  );
  return { validators, holderKey, genesis, block1, signers };
}
