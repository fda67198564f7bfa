/**
 * The storage benchmark's workload: a devnet, 1,000 accounts funded with AntShare and AntCoin in
 * setup blocks, then blocks of 1,000 signed single-signature transfers each (every account
 * sends one share to another, paying its byte fee), as a node receives them: bytes.
 */
import { parseFixed8 } from '../core/encoding/index.ts';
import { encodeBlock } from '../core/block/index.ts';
import { signTransaction, type Transaction } from '../core/tx/index.ts';
import { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE, account, step, testNet, type Account } from '../test/devnet.ts';
import { keyOf } from '../test/history.ts';
import { bytesToHex } from '../core/encoding/index.ts';

export interface Workload {
  validators: string[];
  holder: string;
  setup: Uint8Array[];
  blocks: Uint8Array[];
  transfersPerBlock: number;
}

const FEE = parseFixed8('0.004');

export async function transferWorkload(accounts = 1000, blocks = 4): Promise<Workload> {
  const seed = 7;
  const net = testNet(4, keyOf(seed));
  // Each setup block mints about 24 AntCoin to the holder: enough of them to fund every fee.
  const setupBlocks = 2 + Math.ceil(Number(FEE * BigInt((blocks + 1) * accounts)) / Number(20n * FIXED8_ONE));
  const setup: Uint8Array[] = [];
  for (let i = 0; i < setupBlocks; i++) setup.push(encodeBlock(await step(net)));
  const users: Account[] = Array.from({ length: accounts }, (_, i) => account(keyOf(seed)(1000 + i)));
  const [shares] = net.ledger.unspent(net.holder.scriptHash, ANTSHARE_ID);
  const coins = net.ledger.unspent(net.holder.scriptHash, ANTCOIN_ID);
  const each = (FEE * BigInt(blocks + 1));
  const holderSigns = [{ script: net.holder.script, keys: [net.holder.key] }];
  const fanOut = (inputs: Transaction['inputs'], outputs: Transaction['outputs']) =>
    signTransaction({ type: 'ContractTransaction', version: 0, attributes: [], witnesses: [], inputs, outputs }, holderSigns);
  const shareTx = fanOut(
    [{ prevHash: shares.txHash, prevIndex: shares.index }, { prevHash: coins[0].txHash, prevIndex: coins[0].index }],
    [
      ...users.map((u) => ({ assetId: ANTSHARE_ID, value: 1000n * FIXED8_ONE, scriptHash: u.scriptHash })),
      { assetId: ANTSHARE_ID, value: shares.output.value - BigInt(accounts) * 1000n * FIXED8_ONE, scriptHash: net.holder.scriptHash },
      { assetId: ANTCOIN_ID, value: coins[0].output.value - FIXED8_ONE, scriptHash: net.holder.scriptHash },
    ],
  );
  const funding = coins.slice(1);
  const fundingValue = funding.reduce((sum, c) => sum + c.output.value, 0n);
  const coinTx = fanOut(
    funding.map((c) => ({ prevHash: c.txHash, prevIndex: c.index })),
    [
      ...users.map((u) => ({ assetId: ANTCOIN_ID, value: each, scriptHash: u.scriptHash })),
      { assetId: ANTCOIN_ID, value: fundingValue - BigInt(accounts) * each - FIXED8_ONE, scriptHash: net.holder.scriptHash },
    ],
  );
  setup.push(encodeBlock(await step(net, [shareTx, coinTx])));
  const out: Uint8Array[] = [];
  for (let b = 1; b <= blocks; b++) {
    const txs = users.map((u, i) => {
      const to = users[(i + b) % accounts];
      const s = net.ledger.unspent(u.scriptHash, ANTSHARE_ID).find((x) => x.output.value >= FIXED8_ONE)!;
      const c = net.ledger.unspent(u.scriptHash, ANTCOIN_ID)[0];
      const outputs: Transaction['outputs'] = [{ assetId: ANTSHARE_ID, value: FIXED8_ONE, scriptHash: to.scriptHash }];
      if (s.output.value > FIXED8_ONE) outputs.push({ assetId: ANTSHARE_ID, value: s.output.value - FIXED8_ONE, scriptHash: u.scriptHash });
      if (c.output.value > FEE) outputs.push({ assetId: ANTCOIN_ID, value: c.output.value - FEE, scriptHash: u.scriptHash });
      return signTransaction({
        type: 'ContractTransaction', version: 0, attributes: [], witnesses: [],
        inputs: [{ prevHash: s.txHash, prevIndex: s.index }, { prevHash: c.txHash, prevIndex: c.index }], outputs,
      }, [{ script: u.script, keys: [u.key] }]);
    });
    out.push(encodeBlock(await step(net, txs)));
  }
  return {
    validators: net.settings.standbyValidators.map(bytesToHex),
    holder: bytesToHex(net.settings.antShareHolder),
    setup,
    blocks: out,
    transfersPerBlock: accounts,
  };
}
