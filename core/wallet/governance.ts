/**
 * Governance from a wallet (whitepaper 4.3, 5.2.2): enrol a validator key of the account as a
 * candidate (the account pays; the deposit goes to that key's own address and is lost to the
 * candidacy when spent), and vote with all the account's AntShare for 1 to 1,024 candidates (the
 * vote lasts while the voting outputs stay unspent).
 *
 * A candidate must run a validator with its key before it is voted in: one that holds a seat and
 * deals in none of 10 blocks is left out for 100 (docs/consensus-design.md). So the candidate key
 * is not the pay key but a validator key made for it (account.ts, addValidatorKey), which the
 * wallet writes as a key file for `ans node --key` (validatorKeyFile).
 */
import { hexToBytes } from '../encoding/bytes.ts';
import { scriptHash, singleKeyScript } from '../script/accounts.ts';
import { privateKeyToWif } from '../crypto/keys.ts';
import { ANTCOIN_ID, ANTSHARE_ID } from '../block/genesis.ts';
import type { Ledger } from '../state/ledger.ts';
import type { NetworkSettings } from '../state/settings.ts';
import { MAX_VOTES } from '../tx/limits.ts';
import { accountScript, type AccountRecord } from './account.ts';
import { buildPayment, type UnsignedPayment } from './payment.ts';
import { walletError } from './errors.ts';

interface Common {
  readonly ledger: Ledger;
  readonly settings: NetworkSettings;
  readonly account: Pick<AccountRecord, 'payPublicKey' | 'queryPublicKey'>;
  readonly skip?: ReadonlySet<string>;
}

/**
 * The enrolment of `candidate` (the account's validator key; its pay key for an account enrolled
 * before validator keys), the account paying the deposit and the service fee; signed with
 * `asValidator` (or `asIssuer` for the pay key).
 */
export function buildEnrollment(p: Common & { candidate?: Uint8Array }): UnsignedPayment & { deposit: bigint } {
  const key = p.candidate ?? hexToBytes(p.account.payPublicKey);
  const candidate = singleKeyScript(key);
  const deposit = p.settings.enrollmentDeposit;
  const built = buildPayment({
    ledger: p.ledger, settings: p.settings, script: accountScript(p.account), skip: p.skip, otherSigners: [candidate],
    outputs: [{ assetId: ANTCOIN_ID, value: deposit, scriptHash: scriptHash(candidate) }],
    template: { type: 'EnrollmentTransaction', version: 0, attributes: [], publicKey: key },
  });
  return { ...built, deposit };
}

/**
 * A validator's key file, as `ans node --key FILE` reads it: the private key as WIF, one line.
 * Whoever holds it can sign for the candidate (consensus messages, and the deposit's output).
 */
export function validatorKeyFile(privateKey: Uint8Array): string {
  return `${privateKeyToWif(privateKey)}\n`;
}

/** A vote of all the account's AntShare for `enrollments` (candidates' EnrollmentTransaction hashes). */
export function buildVote(p: Common & { enrollments: readonly Uint8Array[] }): UnsignedPayment & { weight: bigint } {
  if (p.enrollments.length < 1 || p.enrollments.length > MAX_VOTES) {
    throw walletError('PAYMENT_AMOUNT_INVALID', `a vote names 1 to ${MAX_VOTES} candidates`, { count: p.enrollments.length });
  }
  const script = accountScript(p.account);
  const me = scriptHash(script);
  const weight = p.ledger.balance(me, ANTSHARE_ID);
  if (weight === 0n) throw walletError('PAYMENT_FUNDS_LOW', 'a vote is carried by AntShare; this account holds none', { held: '0' });
  const built = buildPayment({
    ledger: p.ledger, settings: p.settings, script, skip: p.skip,
    outputs: [{ assetId: ANTSHARE_ID, value: weight, scriptHash: me }],
    template: { type: 'VotingTransaction', version: 0, attributes: [], enrollments: [...p.enrollments] },
  });
  return { ...built, weight };
}
