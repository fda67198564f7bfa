/**
 * The MinerTransaction of a block (whitepaper 5.2.5): its outputs are exactly the new AntCoin to
 * the drawn AntShare holder, then the block's byte fees split evenly among the block's validators
 * (in key order; the first takes the remainder), leaving out zero amounts.
 */
import { formatFixed8, uintToString } from '../../encoding/primitives.ts';
import { equalBytes } from '../../encoding/bytes.ts';
import { scriptHash, singleKeyScript } from '../../script/accounts.ts';
import { ANTCOIN_ID } from '../../block/genesis.ts';
import type { TransactionOutput } from '../../tx/io.ts';
import type { Transaction } from '../../tx/transaction.ts';
import { stateError } from '../errors.ts';
import { AttributeUsage } from '../../tx/attribute.ts';
import { participationBits } from '../../tx/miner.ts';

/** The outputs a block's MinerTransaction must have. */
export function expectedMinerOutputs(params: {
  reward: bigint;
  holder: Uint8Array | null;
  byteFees: bigint;
  validators: readonly Uint8Array[];
}): TransactionOutput[] {
  const out: TransactionOutput[] = [];
  if (params.reward > 0n && params.holder) out.push({ assetId: ANTCOIN_ID, value: params.reward, scriptHash: params.holder });
  const n = BigInt(params.validators.length);
  if (params.byteFees > 0n && n > 0n) {
    const share = params.byteFees / n;
    const remainder = params.byteFees - share * n;
    params.validators.forEach((key, i) => {
      const value = share + (i === 0 ? remainder : 0n);
      if (value > 0n) out.push({ assetId: ANTCOIN_ID, value, scriptHash: scriptHash(singleKeyScript(key)) });
    });
  }
  return out;
}

/** Checks the MinerTransaction's outputs against the expected ones. */
export function checkMiner(tx: Transaction, expected: readonly TransactionOutput[]): void {
  const same = tx.outputs.length === expected.length && tx.outputs.every((o, i) =>
    equalBytes(o.assetId, expected[i].assetId) && o.value === expected[i].value && equalBytes(o.scriptHash, expected[i].scriptHash));
  if (!same) {
    const show = (list: readonly TransactionOutput[]) => list.map((o) => `${formatFixed8(o.value)} to ${uintToString(o.scriptHash)}`);
    throw stateError('BLOCK_MINER_OUTPUTS_WRONG', 'the MinerTransaction does not pay the drawn holder and the validators exactly', {
      expected: show(expected), actual: show(tx.outputs),
    });
  }
}

/**
 * The MinerTransaction's participation record (core/tx/miner.ts), checked against the block's `n`
 * validators, `m` of whom must have dealt: none (a block made before the record existed: nobody
 * is marked absent), or one Remark attribute of ceil(n / 8) bytes with at least m bits set and none
 * past n. Returns who dealt (null: no record).
 */
export function checkMinerParticipation(tx: Transaction, n: number, m: number): boolean[] | null {
  if (tx.attributes.length === 0) return null;
  const [a] = tx.attributes;
  const fail = (why: string): never => {
    throw stateError('BLOCK_MINER_PARTICIPATION_WRONG', `the MinerTransaction's participation record ${why}`, { validators: n });
  };
  if (tx.attributes.length > 1 || a.usage !== AttributeUsage.Remark) fail('is one Remark attribute, and nothing else');
  if (a.data.length !== Math.ceil(n / 8)) fail(`has ${a.data.length} bytes, not ${Math.ceil(n / 8)}`);
  const bits = participationBits(a.data, n);
  if (bits.filter(Boolean).length < m) fail(`marks fewer than the ${m} validators a set needs`);
  const past = a.data.length * 8 > n && (a.data[a.data.length - 1] >> (n & 7 || 8)) !== 0;
  if (past) fail(`marks validators past the ${n} there are`);
  return bits;
}
