/**
 * EnrollmentTransaction against the ledger (whitepaper 4.3.1): the deposit is AntCoin of at least
 * the network's minimum, the candidate's key signs, a key is a candidate once at a time.
 */
import { bytesToHex, equalBytes } from '../../encoding/bytes.ts';
import { formatFixed8 } from '../../encoding/primitives.ts';
import { compressPublicKey } from '../../crypto/keys.ts';
import { scriptHash, singleKeyScript } from '../../script/accounts.ts';
import { ANTCOIN_ID } from '../../block/genesis.ts';
import type { Transaction } from '../../tx/transaction.ts';
import { stateError } from '../errors.ts';
import { requireSigner } from './common.ts';
import type { TxContext } from './context.ts';

type Enrollment = Extract<Transaction, { type: 'EnrollmentTransaction' }>;

export function checkEnrollment(ctx: TxContext, tx: Enrollment): void {
  const deposit = tx.outputs[0];
  const min = ctx.ledger.settings.enrollmentDeposit;
  if (!equalBytes(deposit.assetId, ANTCOIN_ID) || deposit.value < min) {
    throw stateError('ENROLLMENT_DEPOSIT_TOO_SMALL', `the deposit is at least ${formatFixed8(min)} AntCoin`, { minimum: formatFixed8(min) });
  }
  const key = bytesToHex(compressPublicKey(tx.publicKey));
  for (const c of ctx.ledger.candidates.values()) {
    if (bytesToHex(compressPublicKey(c.publicKey)) === key) throw stateError('ENROLLMENT_KEY_TAKEN', 'this key is a candidate already', { publicKey: key });
  }
  requireSigner(ctx, scriptHash(singleKeyScript(tx.publicKey)), 'the candidate');
}

export function applyEnrollment(ctx: TxContext, tx: Enrollment): void {
  ctx.ledger.candidates.set(ctx.hashHex, { publicKey: compressPublicKey(tx.publicKey), height: ctx.block.height });
}
