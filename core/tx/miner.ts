/**
 * MinerTransaction (0x00, whitepaper 5.2.5): first in every block, once; pays the block's byte
 * fees to the validators and the block's new AntCoin to the AntShare holder that the block's
 * random number draws (the amounts are checked against the ledger in core/state).
 */
import * as P from 'micro-packed';
import type { Transaction } from './transaction.ts';
import { txError } from './errors.ts';

export const MinerTransactionData = P.struct({ version: P.U8, nonce: P.U32LE });

/** A MinerTransaction spends nothing: it only creates. */
export function checkMinerTransaction(tx: Extract<Transaction, { type: 'MinerTransaction' }>): void {
  if (tx.inputs.length > 0) throw txError('TX_MINER_HAS_INPUTS', 'a MinerTransaction has no inputs', { inputs: tx.inputs.length });
}
