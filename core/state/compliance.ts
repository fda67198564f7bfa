/**
 * Compliance policies of Share assets (whitepaper 1.3.3, 1.6): the asset's admin co-signs every
 * transfer of it (a ledger rule), and before co-signing it evaluates the asset's policy here.
 * A transfer the policy refuses is never co-signed, so it can never be final; the reasons say why.
 *
 * The yearly limit is measured against the admin's own log of the transfers it co-signed: every
 * transfer of the asset passed through the admin, so that log is complete without reading blocks.
 */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { formatFixed8, uintToString } from '../encoding/primitives.ts';
import { allInputs, type Transaction } from '../tx/transaction.ts';
import { precisionUnit } from '../tx/register.ts';
import { outpointKey } from './keys.ts';
import type { Ledger } from './ledger.ts';

/** What the admin of a Share asset allows. Every field is optional: absent means no limit. */
export interface SharePolicy {
  /** Accounts (script hashes, raw) that may hold the asset. */
  readonly allowedHolders?: readonly Uint8Array[];
  /** Most of a holder's units it may transfer to others in any 365 days, in basis points (2,500 = 25%). */
  readonly maxTransferPerYearBps?: number;
  /** Most accounts holding the asset at once. */
  readonly maxHolders?: number;
}

/** A transfer the admin co-signed: who sent how many units, when (block time, Unix seconds). */
export interface CoSignedTransfer {
  readonly from: Uint8Array;
  readonly units: bigint;
  readonly time: number;
}

export type PolicyRefusalCode = 'POLICY_HOLDER_NOT_ALLOWED' | 'POLICY_YEARLY_LIMIT' | 'POLICY_TOO_MANY_HOLDERS' | 'POLICY_INPUT_UNKNOWN';

export interface PolicyRefusal {
  readonly code: PolicyRefusalCode;
  readonly message: string;
  readonly data: Record<string, unknown>;
}

export type PolicyDecision = { approve: true; transfers: CoSignedTransfer[] } | { approve: false; reasons: PolicyRefusal[] };

const YEAR = 365 * 24 * 3600;

/**
 * Evaluates a transaction moving Share asset `assetId` against `policy`, at the ledger's tip
 * time. On approval, returns the transfers to add to the admin's log once the admin co-signs.
 */
export function evaluateShareTransfer(ledger: Ledger, tx: Transaction, assetId: Uint8Array, policy: SharePolicy, log: readonly CoSignedTransfer[]): PolicyDecision {
  const now = ledger.tip.timestamp;
  const reasons: PolicyRefusal[] = [];
  const asset = bytesToHex(assetId);
  // Units of the asset each account puts in and takes out of this transaction.
  const delta = new Map<string, { account: Uint8Array; units: bigint }>();
  const add = (account: Uint8Array, units: bigint) => {
    const k = bytesToHex(account);
    const d = delta.get(k) ?? { account, units: 0n };
    d.units += units;
    delta.set(k, d);
  };
  // Every output it spends: an exchange settlement's orders spend theirs too.
  for (const input of allInputs(tx)) {
    const u = ledger.utxos.get(outpointKey(input.prevHash, input.prevIndex));
    if (!u) {
      reasons.push({ code: 'POLICY_INPUT_UNKNOWN', message: 'the transaction spends an output the ledger does not know (spent, or not final yet)', data: { input: `${uintToString(input.prevHash)}:${input.prevIndex}` } });
      continue;
    }
    if (bytesToHex(u.assetId) === asset) add(u.scriptHash, -u.value);
  }
  for (const o of tx.outputs) if (bytesToHex(o.assetId) === asset) add(o.scriptHash, o.value);

  if (policy.allowedHolders) {
    for (const o of tx.outputs) {
      if (bytesToHex(o.assetId) !== asset) continue;
      if (!policy.allowedHolders.some((a) => equalBytes(a, o.scriptHash))) {
        reasons.push({ code: 'POLICY_HOLDER_NOT_ALLOWED', message: `${uintToString(o.scriptHash)} is not on the list of allowed holders`, data: { account: uintToString(o.scriptHash) } });
      }
    }
  }

  const transfers: CoSignedTransfer[] = [];
  for (const d of delta.values()) if (d.units < 0n) transfers.push({ from: d.account, units: -d.units, time: now });
  if (policy.maxTransferPerYearBps !== undefined) {
    for (const t of transfers) {
      const earlier = log.filter((l) => equalBytes(l.from, t.from) && l.time > now - YEAR).reduce((s, l) => s + l.units, 0n);
      // The yardstick: what the holder had at the start of its transfers this year.
      const base = ledger.balance(t.from, assetId) + earlier;
      // In whole units of the asset (a Share's are indivisible): never "may transfer 0.5 a year".
      const unit = precisionUnit(ledger.assets.get(asset)?.precision ?? 8);
      const allowed = (((base * BigInt(policy.maxTransferPerYearBps)) / 10_000n) / unit) * unit;
      if (earlier + t.units > allowed) {
        reasons.push({
          code: 'POLICY_YEARLY_LIMIT',
          message: `${uintToString(t.from)} may transfer ${formatFixed8(allowed)} in a year; ${formatFixed8(earlier)} already, ${formatFixed8(t.units)} asked`,
          data: { account: uintToString(t.from), allowed: formatFixed8(allowed), earlier: formatFixed8(earlier), requested: formatFixed8(t.units) },
        });
      }
    }
  }

  if (policy.maxHolders !== undefined) {
    const holders = new Map<string, bigint>();
    for (const [k, h] of ledger.holders.get(asset) ?? []) holders.set(k, h.units);
    for (const [k, d] of delta) holders.set(k, (holders.get(k) ?? 0n) + d.units);
    const count = [...holders.values()].filter((u) => u > 0n).length;
    if (count > policy.maxHolders) {
      reasons.push({ code: 'POLICY_TOO_MANY_HOLDERS', message: `the asset would have ${count} holders, at most ${policy.maxHolders} allowed`, data: { holders: count, max: policy.maxHolders } });
    }
  }
  return reasons.length ? { approve: false, reasons } : { approve: true, transfers };
}
