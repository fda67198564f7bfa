/**
 * VotingTransaction against the ledger (whitepaper 4.3.2): it names current candidates; the
 * AntShare in its outputs votes for each of them while unspent, and the owners of those outputs sign.
 */
import { bytesToHex, equalBytes } from '../../encoding/bytes.ts';
import { uintToString } from '../../encoding/primitives.ts';
import { ANTSHARE_ID } from '../../block/genesis.ts';
import type { Transaction } from '../../tx/transaction.ts';
import { stateError } from '../errors.ts';
import { outpointKey } from '../keys.ts';
import { requireSigner } from './common.ts';
import type { TxContext } from './context.ts';

type Voting = Extract<Transaction, { type: 'VotingTransaction' }>;

export function checkVoting(ctx: TxContext, tx: Voting): void {
  for (const e of tx.enrollments) {
    if (!ctx.ledger.candidates.has(bytesToHex(e))) throw stateError('VOTE_CANDIDATE_UNKNOWN', `${uintToString(e)} is not a candidate`, { enrollment: uintToString(e) });
  }
  const shares = tx.outputs.filter((o) => equalBytes(o.assetId, ANTSHARE_ID));
  if (shares.length === 0) throw stateError('VOTE_NO_ANTSHARE', 'a vote is carried by AntShare outputs; this one has none');
  for (const o of shares) requireSigner(ctx, o.scriptHash, 'voter (owner of the voting AntShare)');
}

export function applyVoting(ctx: TxContext, tx: Voting): void {
  tx.outputs.forEach((o, i) => {
    if (equalBytes(o.assetId, ANTSHARE_ID)) ctx.ledger.votes.set(outpointKey(ctx.hash, i), { enrollments: tx.enrollments, value: o.value, scriptHash: o.scriptHash });
  });
}
