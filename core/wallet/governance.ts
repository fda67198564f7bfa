/**
 * Governance from a wallet (whitepaper 4.3, 5.2.2): enrol the account's pay key as a validator
 * candidate (the deposit goes to that key's own address and is lost to the candidacy when spent),
 * and vote with all the account's AntShare for 1 to 1,024 candidates (the vote lasts while the
 * voting outputs stay unspent).
 */
import { hexToBytes } from '../encoding/bytes.ts';
import { scriptHash } from '../script/accounts.ts';
import { ANTCOIN_ID, ANTSHARE_ID } from '../block/genesis.ts';
import type { Ledger } from '../state/ledger.ts';
import type { NetworkSettings } from '../state/settings.ts';
import { MAX_VOTES } from '../tx/limits.ts';
import { accountScript, issuerScript, type AccountRecord } from './account.ts';
import { buildPayment, type UnsignedPayment } from './payment.ts';
import { walletError } from './errors.ts';

interface Common {
  readonly ledger: Ledger;
  readonly settings: NetworkSettings;
  readonly account: Pick<AccountRecord, 'payPublicKey' | 'queryPublicKey'>;
  readonly skip?: ReadonlySet<string>;
}

/** The enrolment of the account's pay key, with the network's deposit; signed with `asIssuer`. */
export function buildEnrollment(p: Common): UnsignedPayment & { deposit: bigint } {
  const candidate = issuerScript(p.account);
  const deposit = p.settings.enrollmentDeposit;
  const built = buildPayment({
    ledger: p.ledger, settings: p.settings, script: accountScript(p.account), skip: p.skip, otherSigners: [candidate],
    outputs: [{ assetId: ANTCOIN_ID, value: deposit, scriptHash: scriptHash(candidate) }],
    template: { type: 'EnrollmentTransaction', version: 0, attributes: [], publicKey: hexToBytes(p.account.payPublicKey) },
  });
  return { ...built, deposit };
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
