/**
 * The validators of the next block (whitepaper 4.3.2, 5.2.2; docs/protocol.md): the number is the
 * AntShare-weighted mean of how many candidates each vote names, over the middle 50% of the votes
 * by weight (sorted by that number), at least the number of standby validators; the seats go to
 * the candidates with the most votes (each share of a vote counts in full for every candidate it
 * names), then to standby validators.
 *
 * Seats only for candidates that show up (docs/consensus-design.md, "Elections that cannot stop
 * the chain"): a candidate found absent (no deal of its in the last ABSENCE_BLOCKS blocks it was
 * a validator for) may not be elected for EXCLUSION_BLOCKS blocks; and at most f of the seats
 * (f = floor((count - 1) / 3)) go to candidates that have not yet dealt since they took their seat
 * ("unproven": newly elected, or back after leaving). So however many elected candidates never run
 * a node, at most f of the validators are absent at once, and N - f keep making blocks; each costs
 * the chain ABSENCE_BLOCKS slower blocks, then its seat goes on down the ranking or back to standby.
 */
import { bytesToHex } from '../encoding/bytes.ts';
import { FIXED8_ONE } from '../encoding/primitives.ts';
import { comparePublicKeys, compressPublicKey } from '../crypto/keys.ts';
import { MAX_MULTISIG_KEYS, sortPublicKeys } from '../script/accounts.ts';

/** Blocks a candidate may hold a seat without dealing before it is found absent. */
export const ABSENCE_BLOCKS = 10;
/** Blocks after which a candidate found absent may be elected again (as unproven). */
export const EXCLUSION_BLOCKS = 100;

/** What the ledger's seat records say of candidates (keys as compressed hex). */
export interface SeatView {
  /** May not be elected for the next block: found absent lately. */
  readonly excluded: ReadonlySet<string>;
  /** Hold a seat now and have dealt since they took it. */
  readonly proven: ReadonlySet<string>;
}

export interface ElectionInput {
  /** Current candidates by EnrollmentTransaction hash (hex). */
  readonly candidates: ReadonlyMap<string, Uint8Array>;
  /** Unspent votes: their AntShare units and the candidates they name (enrollment hashes, raw). */
  readonly votes: Iterable<{ value: bigint; enrollments: readonly Uint8Array[] }>;
  readonly standbyValidators: readonly Uint8Array[];
  /** The seat records (default: none excluded, none proven). */
  readonly seats?: SeatView;
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
  const standbyKeys = new Set(standby.map(bytesToHex));
  const maxUnproven = Math.floor((count - 1) / 3);
  let unproven = 0;
  for (const c of ranked) {
    if (chosen.size >= count) break;
    const key = bytesToHex(c.key);
    // A standby validator elected as a candidate is the network's own: never unproven.
    if (!standbyKeys.has(key)) {
      if (input.seats?.excluded.has(key)) continue;
      if (!input.seats?.proven.has(key)) {
        if (unproven >= maxUnproven) continue;
        unproven++;
      }
    }
    chosen.set(key, c.key);
  }
  for (const s of standby) {
    if (chosen.size >= count) break;
    chosen.set(bytesToHex(s), s);
  }
  // Standby keys alone (no candidate elected): already sorted, nothing to decode.
  if (chosen.size === standby.length && standby.every((k) => chosen.has(bytesToHex(k)))) return standby;
  return sortPublicKeys([...chosen.values()]);
}
