/**
 * MinerTransaction (0x00, whitepaper 5.2.5): first in every block, once; pays the block's byte
 * fees to the validators and the block's new AntCoin to the AntShare holder that the block's
 * random number draws (the amounts are checked against the ledger in core/state).
 */
import * as P from 'micro-packed';
import type { Transaction } from './transaction.ts';
import { txError } from './errors.ts';
import { AttributeUsage, type TransactionAttribute } from './attribute.ts';

export const MinerTransactionData = P.struct({ version: P.U8, nonce: P.U32LE });

/** A MinerTransaction spends nothing: it only creates. */
export function checkMinerTransaction(tx: Extract<Transaction, { type: 'MinerTransaction' }>): void {
  if (tx.inputs.length > 0) throw txError('TX_MINER_HAS_INPUTS', 'a MinerTransaction has no inputs', { inputs: tx.inputs.length });
}

/**
 * The participation record a block's MinerTransaction carries (docs/protocol.md, "Election"): one
 * Remark attribute whose data is a bitmap of the block's validators (in their sorted order, bit i
 * of byte i / 8, lowest bit first), a bit set for each validator whose deal is in the block's fixed
 * set. The ledger reads it to find elected validators that never show up.
 */
export function participationAttribute(dealt: readonly boolean[]): TransactionAttribute {
  const data = new Uint8Array(Math.ceil(dealt.length / 8));
  dealt.forEach((d, i) => {
    if (d) data[i >> 3] |= 1 << (i & 7);
  });
  return { usage: AttributeUsage.Remark, data };
}

/** The validators a participation record marks (by index), read back; no check of its length. */
export function participationBits(data: Uint8Array, n: number): boolean[] {
  return Array.from({ length: n }, (_, i) => i >> 3 < data.length && (data[i >> 3] & (1 << (i & 7))) !== 0);
}
