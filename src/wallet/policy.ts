/**
 * The admin side of Share assets (whitepaper 1.3.3, 1.6): the policy an admin keeps for each
 * Share asset it administers, and its log of co-signed transfers (what the yearly limit is
 * measured against), kept in this browser's storage. Before this wallet signs a transaction that
 * moves such an asset, the policy is evaluated (core/state/compliance.ts); a refused transfer is
 * never signed, and the reasons are shown.
 */
import { bytesToHex, equalBytes, hexToBytes } from '../../core/encoding/bytes.ts';
import { ProtocolError } from '../../core/encoding/errors.ts';
import { addressFromScriptHash, addressToScriptHash } from '../../core/script/accounts.ts';
import type { Transaction } from '../../core/tx/transaction.ts';
import type { Ledger } from '../../core/state/ledger.ts';
import { evaluateShareTransfer, type CoSignedTransfer, type PolicyRefusal, type SharePolicy } from '../../core/state/compliance.ts';

/** A policy as the admin edits it: addresses, a percentage, a count (absent: no limit). */
export interface StoredPolicy {
  readonly allowedHolders?: string[];
  readonly maxTransferPercentPerYear?: number;
  readonly maxHolders?: number;
}

const key = (admin: string, asset: string, what: 'policy' | 'log') => `share-${what}:${admin}:${asset}`;

export function loadPolicy(admin: string, assetHex: string): StoredPolicy {
  return JSON.parse(localStorage.getItem(key(admin, assetHex, 'policy')) ?? '{}') as StoredPolicy;
}

export function savePolicy(admin: string, assetHex: string, policy: StoredPolicy): void {
  localStorage.setItem(key(admin, assetHex, 'policy'), JSON.stringify(policy));
}

function loadLog(admin: string, assetHex: string): CoSignedTransfer[] {
  const raw = JSON.parse(localStorage.getItem(key(admin, assetHex, 'log')) ?? '[]') as { from: string; units: string; time: number }[];
  return raw.map((r) => ({ from: hexToBytes(r.from), units: BigInt(r.units), time: r.time }));
}

function appendLog(admin: string, assetHex: string, transfers: readonly CoSignedTransfer[]): void {
  const raw = JSON.parse(localStorage.getItem(key(admin, assetHex, 'log')) ?? '[]') as unknown[];
  raw.push(...transfers.map((t) => ({ from: bytesToHex(t.from), units: t.units.toString(), time: t.time })));
  localStorage.setItem(key(admin, assetHex, 'log'), JSON.stringify(raw));
}

function toPolicy(p: StoredPolicy, version: number): SharePolicy {
  return {
    allowedHolders: p.allowedHolders?.length ? p.allowedHolders.map((a) => addressToScriptHash(a, version)) : undefined,
    maxTransferPerYearBps: p.maxTransferPercentPerYear !== undefined ? Math.round(p.maxTransferPercentPerYear * 100) : undefined,
    maxHolders: p.maxHolders,
  };
}

/** The policy refused a transfer: never signed. `reasons` carry the codes and data to show. */
export class PolicyRefused extends ProtocolError<'POLICY_REFUSED'> {
  readonly reasons: PolicyRefusal[];
  constructor(reasons: PolicyRefusal[]) {
    super('POLICY_REFUSED', reasons.map((r) => r.message).join('; '), { reasons });
    this.reasons = reasons;
  }
}

/**
 * Evaluates every Share asset that `admin` (script hash) administers and `tx` moves. Throws
 * PolicyRefused; on approval returns what to log once signed (`commit`).
 */
export function adminReview(ledger: Ledger, tx: Transaction, admin: Uint8Array, addressVersion: number): { commit: () => void } {
  const adminAddress = addressFromScriptHash(admin, addressVersion);
  const approvals: { asset: string; transfers: CoSignedTransfer[] }[] = [];
  const assets = new Set(tx.outputs.map((o) => bytesToHex(o.assetId)));
  for (const asset of assets) {
    const record = ledger.assets.get(asset);
    if (!record || record.assetType !== 'Share' || !equalBytes(record.admin, admin)) continue;
    if (tx.type === 'IssueTransaction') continue; // issuing is the admin's own act
    const decision = evaluateShareTransfer(ledger, tx, hexToBytes(asset), toPolicy(loadPolicy(adminAddress, asset), addressVersion), loadLog(adminAddress, asset));
    if (!decision.approve) throw new PolicyRefused(decision.reasons);
    approvals.push({ asset, transfers: decision.transfers });
  }
  return { commit: () => approvals.forEach((a) => appendLog(adminAddress, a.asset, a.transfers)) };
}
