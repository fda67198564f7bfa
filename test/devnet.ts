/** A devnet whose keys the test holds, and a block producer standing in for the validators. */
import { FIXED8_ONE } from '../core/encoding/index.ts';
import { comparePublicKeys, generatePrivateKey, getPublicKey, sign } from '../core/crypto/index.ts';
import { multiSigScript, scriptHash, singleKeyScript } from '../core/script/index.ts';
import { signTransaction, transactionHash, type Transaction } from '../core/tx/index.ts';
import { invocationScript } from '../core/tx/sign.ts';
import { ANTCOIN_ID, ANTSHARE_ID, consensusThreshold, headerMessage, type Block } from '../core/block/index.ts';
import { Ledger, devnet, type NetworkSettings } from '../core/state/index.ts';
import { bytesToHex } from '../core/encoding/index.ts';

/** A key with its single-key account. */
export interface Account {
  key: Uint8Array;
  publicKey: Uint8Array;
  script: Uint8Array;
  scriptHash: Uint8Array;
}

export function account(key = generatePrivateKey()): Account {
  const publicKey = getPublicKey(key);
  const script = singleKeyScript(publicKey);
  return { key, publicKey, script, scriptHash: scriptHash(script) };
}

export interface TestNet {
  settings: NetworkSettings;
  validators: Account[];
  holder: Account;
  ledger: Ledger;
  genesis: Block;
  /** Private keys by public key hex, of every validator the test may need to sign with. */
  keys: Map<string, Uint8Array>;
}

/** A devnet; `keyOf(i)` makes deterministic keys (validators 0..n-1, then the holder) when given. */
export function testNet(validatorCount = 4, keyOf?: (i: number) => Uint8Array): TestNet {
  const validators = Array.from({ length: validatorCount }, (_, i) => account(keyOf?.(i)));
  const holder = account(keyOf?.(validatorCount));
  const settings = devnet({ standbyValidators: validators.map((v) => v.publicKey), antShareHolder: holder.scriptHash });
  const { ledger, genesis } = Ledger.withGenesis(settings);
  const keys = new Map(validators.map((v) => [bytesToHex(v.publicKey), v.key]));
  return { settings, validators, holder, ledger, genesis, keys };
}

/** Signs a header with the M-of-N of `validators` (signatures in key order). */
export function signBlock(block: Omit<Block, 'witness'>, validators: readonly Uint8Array[], keys: Map<string, Uint8Array>): Block {
  const sorted = [...validators].sort(comparePublicKeys);
  const m = consensusThreshold(sorted.length);
  const msg = headerMessage(block);
  const sigs = sorted.slice(0, m).map((pk) => {
    const k = keys.get(bytesToHex(pk));
    if (!k) throw new Error('the test does not hold this validator key');
    return sign(msg, k);
  });
  return { ...block, witness: { invocation: invocationScript(sigs), verification: multiSigScript(m, sorted) } };
}

/** Builds the next block with `transactions`, as the validators would, and signs it. */
export function produce(net: TestNet, transactions: Transaction[] = [], consensusData = BigInt(net.ledger.height * 7919 + 17)): Block {
  const unsigned = net.ledger.prepareBlock({ transactions, timestamp: net.ledger.tip.timestamp + 2, consensusData });
  return signBlock(unsigned, net.ledger.nextValidators(), net.keys);
}

/** Produces and applies a block. */
export async function step(net: TestNet, transactions: Transaction[] = [], consensusData?: bigint): Promise<Block> {
  const block = produce(net, transactions, consensusData);
  await net.ledger.applyBlock(block);
  return block;
}

/** A transfer from `from` (its single-key account) of `value` units of `assetId` to `to`, change back, fee paid in AntCoin. */
export function transfer(net: TestNet, from: Account, to: Uint8Array, assetId: Uint8Array, value: bigint, fee = 0n): Transaction {
  const inputs: Transaction['inputs'] = [];
  const outputs: Transaction['outputs'] = [{ assetId, value, scriptHash: to }];
  const take = (asset: Uint8Array, need: bigint) => {
    let got = 0n;
    for (const u of net.ledger.unspent(from.scriptHash, asset)) {
      if (got >= need) break;
      inputs.push({ prevHash: u.txHash, prevIndex: u.index });
      got += u.output.value;
    }
    if (got < need) throw new Error(`test: ${bytesToHex(asset)} balance ${got} below ${need}`);
    if (got > need) outputs.push({ assetId: asset, value: got - need, scriptHash: from.scriptHash });
  };
  const sameAsset = bytesToHex(assetId) === bytesToHex(ANTCOIN_ID);
  take(assetId, value + (sameAsset ? fee : 0n));
  if (!sameAsset && fee > 0n) take(ANTCOIN_ID, fee);
  const tx: Transaction = { type: 'ContractTransaction', version: 0, attributes: [], inputs, outputs, witnesses: [] };
  return signTransaction(tx, [{ script: from.script, keys: [from.key] }]);
}

export { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE, transactionHash };
