/**
 * The validators of the next block (whitepaper 4.3.2, 5.2.2; docs/protocol.md): the number is the
 * AntShare-weighted mean of how many candidates each vote names, over the middle 50% of the votes
 * by weight (sorted by that number), at least the number of standby validators; the seats go to
 * the candidates with the most votes (each share of a vote counts in full for every candidate it
 * names), then to standby validators.
 */
import { bytesToHex } from '../encoding/bytes.ts';
import { FIXED8_ONE } from '../encoding/primitives.ts';
import { comparePublicKeys, compressPublicKey } from '../crypto/keys.ts';
import { MAX_MULTISIG_KEYS, sortPublicKeys } from '../script/accounts.ts';

export interface ElectionInput {
  /** Current candidates by EnrollmentTransaction hash (hex). */
  readonly candidates: ReadonlyMap<string, Uint8Array>;
  /** Unspent votes: their AntShare units and the candidates they name (enrollment hashes, raw). */
  readonly votes: Iterable<{ value: bigint; enrollments: readonly Uint8Array[] }>;
  readonly standbyValidators: readonly Uint8Array[];
}

/** The weighted mean count over the middle half of the votes by weight, rounded down (0 without votes). */
export function validatorCount(votes: readonly { weight: bigint; named: number }[]): number {
  const total = votes.reduce((s, v) => s + v.weight, 0n);
  if (total === 0n) return 0;
  const sorted = [...votes].sort((a, b) => a.named - b.named);
  // In units of a quarter share, so that the bounds W/4 and 3W/4 are whole: [total, 3 total).
  const lo = total;
  const hi = 3n * total;
  let at = 0n;
  let sum = 0n;
  for (const v of sorted) {
    const from = at;
    const to = at + 4n * v.weight;
    at = to;
    const overlap = (to < hi ? to : hi) - (from > lo ? from : lo);
    if (overlap > 0n) sum += overlap * BigInt(v.named);
  }
  return Number(sum / (2n * total));
}

/** The sorted public keys of the next block's validators. */
// Sorting keys decodes them (a square root each): the standby list is sorted once per network.
const sortedStandby = new WeakMap<readonly Uint8Array[], Uint8Array[]>();

export function electValidators(input: ElectionInput): Uint8Array[] {
  let standby = sortedStandby.get(input.standbyValidators);
  if (!standby) sortedStandby.set(input.standbyValidators, (standby = sortPublicKeys(input.standbyValidators)));
  const weighted: { weight: bigint; named: number }[] = [];
  const tally = new Map<string, bigint>();
  for (const v of input.votes) {
    const weight = v.value / FIXED8_ONE;
    weighted.push({ weight, named: v.enrollments.length });
    for (const e of v.enrollments) {
      const k = bytesToHex(e);
      if (input.candidates.has(k)) tally.set(k, (tally.get(k) ?? 0n) + weight);
    }
  }
  const count = Math.min(MAX_MULTISIG_KEYS, Math.max(standby.length, validatorCount(weighted)));
  const ranked = [...tally.entries()]
    .filter(([, votes]) => votes > 0n)
    .map(([k, votes]) => ({ key: compressPublicKey(input.candidates.get(k)!), votes }))
    .sort((a, b) => (a.votes !== b.votes ? (a.votes > b.votes ? -1 : 1) : comparePublicKeys(a.key, b.key)));
  const chosen = new Map<string, Uint8Array>();
  for (const c of ranked) {
    if (chosen.size >= count) break;
    chosen.set(bytesToHex(c.key), c.key);
  }
  for (const s of standby) {
    if (chosen.size >= count) break;
    chosen.set(bytesToHex(s), s);
  }
  // Standby keys alone (no candidate elected): already sorted, nothing to decode.
  if (chosen.size === standby.length && standby.every((k) => chosen.has(bytesToHex(k)))) return standby;
  return sortPublicKeys([...chosen.values()]);
}
