/**
 * VotingTransaction (0x24, whitepaper 4.3.2, 5.2.2): the AntShare in its outputs votes for every
 * listed candidate (an EnrollmentTransaction hash) while unspent.
 */
import * as P from 'micro-packed';
import { UInt256, uintToString, varArray } from '../encoding/primitives.ts';
import type { Transaction } from './transaction.ts';
import { txError } from './errors.ts';
import { MAX_VOTES } from './limits.ts';

export const VotingTransactionData = P.struct({
  version: P.U8,
  enrollments: P.validate(varArray(MAX_VOTES, UInt256), (list) => {
    if (list.length < 1) throw new Error('a vote names at least one candidate');
    return list;
  }),
});

/** No candidate is named twice. */
export function checkVotingTransaction(tx: Extract<Transaction, { type: 'VotingTransaction' }>): void {
  const seen = new Set<string>();
  for (const e of tx.enrollments) {
    const id = uintToString(e);
    if (seen.has(id)) throw txError('TX_VOTE_DUPLICATE_CANDIDATE', 'a candidate is named twice', { enrollment: id });
    seen.add(id);
  }
}
