/**
 * EnrollmentTransaction (0x20, whitepaper 4.3.1): registers a validator candidate. It pays the
 * service fee and outputs[0] is the AntCoin deposit to the candidate's own single-key address;
 * the candidacy ends when that output is spent (the ledger checks the asset and the fee).
 */
import * as P from 'micro-packed';
import { ECPoint, decodePublicKey } from '../crypto/keys.ts';
import { equalBytes } from '../encoding/bytes.ts';
import { uintToString } from '../encoding/primitives.ts';
import { scriptHash, singleKeyScript } from '../script/accounts.ts';
import type { Transaction } from './transaction.ts';
import { txError } from './errors.ts';

export const EnrollmentTransactionData = P.struct({ version: P.U8, publicKey: ECPoint });

/** The candidate's key is a real point and outputs[0] pays its own single-key address. */
export function checkEnrollmentTransaction(tx: Extract<Transaction, { type: 'EnrollmentTransaction' }>): void {
  if (decodePublicKey(tx.publicKey) === null) throw txError('TX_ENROLLMENT_KEY_INFINITY', 'a candidate needs a real public key');
  const own = scriptHash(singleKeyScript(tx.publicKey));
  const deposit = tx.outputs[0];
  if (!deposit || !equalBytes(deposit.scriptHash, own)) {
    throw txError('TX_ENROLLMENT_NO_DEPOSIT', "outputs[0] must be the deposit to the candidate's own address", { expected: uintToString(own) });
  }
}
