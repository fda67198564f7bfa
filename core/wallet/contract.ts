/**
 * Contracts between parties (whitepaper 4.2.1): one transaction that moves assets both ways
 * (a swap: 100 shares of A for 5,000 of currency B), valid only when every party has signed.
 * The proposer builds it from both parties' unspent outputs (public on the ledger), pays the
 * fees, signs, and hands the partly signed bytes to the counterparty as an offer (a link, a QR
 * code, a message). The counterparty's wallet shows exactly what it gives and gets, checks the
 * signatures already there, signs, and, being the last, broadcasts. A transfer of a Share asset
 * also needs its admin, who approves under its compliance policy: the offer goes from signer to
 * signer (`missingSigners` says who is left) until the last one sends it.
 */
import { base64urlnopad } from '@scure/base';
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { DecodeError } from '../encoding/errors.ts';
import { formatFixed8 } from '../encoding/primitives.ts';
import { scriptHash } from '../script/accounts.ts';
import { runWitness } from '../script/vm.ts';
import { decodeTransaction, encodeTransaction, outpointKey, signingMessage, verificationScriptHash, type Transaction } from '../tx/transaction.ts';
import { ANTCOIN_ID } from '../block/genesis.ts';
import type { Ledger } from '../state/ledger.ts';
import type { NetworkSettings } from '../state/settings.ts';
import { buildPayment } from './payment.ts';
import { walletError } from './errors.ts';

export interface SwapParams {
  readonly ledger: Ledger;
  readonly settings: NetworkSettings;
  /** The proposer's verification script; it pays the fees. */
  readonly script: Uint8Array;
  /** The counterparty's account (script hash). */
  readonly counterparty: Uint8Array;
  readonly give: { readonly assetId: Uint8Array; readonly value: bigint };
  /** What the counterparty gives back (value 0: nothing, a transfer that needs its consent). */
  readonly get: { readonly assetId: Uint8Array; readonly value: bigint };
  readonly skip?: ReadonlySet<string>;
}

/** The unsigned swap: the proposer's side built as a payment, the counterparty's inputs and change added. */
export function buildSwap(p: SwapParams): { tx: Transaction; fee: bigint } {
  const me = scriptHash(p.script);
  // The counterparty's outputs of the asset it gives, oldest first, until they cover it.
  const theirs: Transaction['inputs'] = [];
  let got = 0n;
  for (const u of p.get.value > 0n ? p.ledger.unspent(p.counterparty, p.get.assetId) : []) {
    if (got >= p.get.value) break;
    theirs.push({ prevHash: u.txHash, prevIndex: u.index });
    got += u.output.value;
  }
  if (got < p.get.value) {
    throw walletError('PAYMENT_FUNDS_LOW', `the counterparty holds ${formatFixed8(got)} of the ${formatFixed8(p.get.value)} asked`, { held: formatFixed8(got), needed: formatFixed8(p.get.value), counterparty: true });
  }
  const theirChange = got > p.get.value ? [{ assetId: p.get.assetId, value: got - p.get.value, scriptHash: p.counterparty }] : [];
  // Built as the proposer's payment of `give` to the counterparty, with the counterparty's
  // inputs and outputs as extra parts: the fee covers everything, and the witness of every
  // account that must sign (the counterparty's; a Share's admin's too).
  return buildPayment({
    ledger: p.ledger, settings: p.settings, script: p.script, skip: p.skip,
    outputs: [{ assetId: p.give.assetId, value: p.give.value, scriptHash: p.counterparty }],
    created: [...(p.get.value > 0n ? [{ assetId: p.get.assetId, value: p.get.value, scriptHash: me }] : []), ...theirChange],
    extraInputs: theirs,
  });
}

/** What one account gives and gets in a transaction, per asset (hex): negative gives, positive gets. */
export function netFlows(ledger: Ledger, tx: Transaction, account: Uint8Array): Map<string, bigint> {
  const net = new Map<string, bigint>();
  const add = (asset: Uint8Array, v: bigint) => net.set(bytesToHex(asset), (net.get(bytesToHex(asset)) ?? 0n) + v);
  for (const i of tx.inputs) {
    const u = ledger.utxos.get(outpointKey(i.prevHash, i.prevIndex));
    if (u && equalBytes(u.scriptHash, account)) add(u.assetId, -u.value);
  }
  for (const o of tx.outputs) if (equalBytes(o.scriptHash, account)) add(o.assetId, o.value);
  for (const [k, v] of net) if (v === 0n) net.delete(k);
  return net;
}

const OFFER_PREFIX = 'ans-offer:';

/** A partly signed transaction as text for a link or a QR code. */
export function encodeOffer(tx: Transaction): string {
  return OFFER_PREFIX + base64urlnopad.encode(encodeTransaction(tx));
}

/** The transaction of an offer (a DecodeError for anything else: a mangled link, another format). */
export function decodeOffer(text: string): Transaction {
  const t = text.trim();
  const at = t.indexOf(OFFER_PREFIX);
  if (at < 0) throw new DecodeError('Offer', `an offer starts with "${OFFER_PREFIX}"`);
  let bytes: Uint8Array;
  try {
    bytes = base64urlnopad.decode(t.slice(at + OFFER_PREFIX.length).replace(/[^A-Za-z0-9_-].*$/s, ''));
  } catch {
    throw new DecodeError('Offer', 'the offer is not valid base64url (cut short when copied?)');
  }
  return decodeTransaction(bytes);
}

/** Checks that every witness already on `tx` verifies: the signatures the counterparty relies on. */
export async function checkPresentWitnesses(tx: Transaction): Promise<Uint8Array[]> {
  const message = signingMessage(tx);
  for (const w of tx.witnesses) {
    const r = await runWitness(w.invocation, w.verification, message);
    if (!r.ok) throw walletError('CONTRACT_SIGNATURE_INVALID', `a signature on this offer does not verify: ${r.reason}`);
  }
  return tx.witnesses.map((w) => verificationScriptHash(w.verification));
}

/** The AntCoin a transaction destroys (its fees), from the ledger's view of its inputs. */
export function feeOf(ledger: Ledger, tx: Transaction): bigint {
  let inCoin = 0n;
  for (const i of tx.inputs) {
    const u = ledger.utxos.get(outpointKey(i.prevHash, i.prevIndex));
    if (u && equalBytes(u.assetId, ANTCOIN_ID)) inCoin += u.value;
  }
  return inCoin - tx.outputs.filter((o) => equalBytes(o.assetId, ANTCOIN_ID)).reduce((s, o) => s + o.value, 0n);
}
