/**
 * An order as a client places it with an agent (docs/exchange.md, "Placing an order"): the
 * protocol's Order (core/tx/order.ts), signed as the chain will check it, inside terms the client
 * signs too: when it expires (a block height) and the most fee the agent may keep (basis points
 * of the value traded). The chain never sees the terms: the agent enforces them, and publishes
 * them with its book so that anyone can check it did (core/exchange/audit.ts).
 *
 * A cancel is a message the client signs naming the order: the agent removes the order at once
 * and publishes the cancel with its book, so an order settled after its cancel is visible to all.
 */
import * as P from 'micro-packed';
import { concatBytes, equalBytes } from '../encoding/bytes.ts';
import { UInt160, UInt256, decodeStrict, uintToString } from '../encoding/primitives.ts';
import { defaultVerifier, sign, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { scriptHash } from '../script/accounts.ts';
import { runWitness } from '../script/vm.ts';
import { Witness } from '../tx/io.ts';
import { Order, orderHash, signOrder, verifyOrder } from '../tx/order.ts';
import { witnessFor, type Signer } from '../tx/sign.ts';
import { ProtocolError } from '../encoding/errors.ts';
import { exchangeError } from './errors.ts';

export const TERMS_VERSION = 1;
/** The most an agent may keep: 1% of the value traded. */
export const MAX_FEE_BPS = 100;

export const PlacedOrder = P.struct({
  version: P.U8,
  order: Order,
  /** The order is void from this block height on: the agent drops it, and may not settle it. */
  expires: P.U32LE,
  /** The most fee the client agrees to, in basis points of the value traded (the agent announces its own). */
  maxFeeBps: P.U16LE,
  /** The client's witness over the terms (termsMessage). */
  witness: Witness,
});
export type PlacedOrder = P.UnwrapCoder<typeof PlacedOrder>;

export const CancelOrder = P.struct({
  version: P.U8,
  /** The order's hash (orderHash): what is cancelled. */
  order: UInt256,
  agent: UInt160,
  /** The client's witness over the cancel (cancelMessage). */
  witness: Witness,
});
export type CancelOrder = P.UnwrapCoder<typeof CancelOrder>;

const enc = new TextEncoder();
/** A u32, little-endian (the network's magic and heights in signed messages). */
export const u32 = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
const u16 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff);

/** What the client signs for the terms: a domain, the network, the order's hash, expiry and fee. */
export function termsMessage(magic: number, order: Omit<Order, 'witnesses'>, expires: number, maxFeeBps: number): Uint8Array {
  return concatBytes(enc.encode('antshares order terms'), u32(magic), orderHash(order), u32(expires), u16(maxFeeBps));
}

/** What the client signs to cancel: a domain, the network, the order's hash and its agent. */
export function cancelMessage(magic: number, order: Uint8Array, agent: Uint8Array): Uint8Array {
  return concatBytes(enc.encode('antshares order cancel'), u32(magic), order, agent);
}

/** Signs an order and its terms for its client (both with the same account, as the chain and the agent check). */
export function placeOrder(order: Omit<Order, 'witnesses'>, signer: Signer, terms: { magic: number; expires: number; maxFeeBps: number }): PlacedOrder {
  const signed = signOrder(order, signer);
  const message = termsMessage(terms.magic, order, terms.expires, terms.maxFeeBps);
  return { version: TERMS_VERSION, order: signed, expires: terms.expires, maxFeeBps: terms.maxFeeBps, witness: witnessFor(signer, (k) => sign(message, k)) };
}

/** Signs a cancel of the order `hash` for its client. */
export function cancelOrder(hash: Uint8Array, agent: Uint8Array, signer: Signer, magic: number): CancelOrder {
  const message = cancelMessage(magic, hash, agent);
  return { version: TERMS_VERSION, order: hash, agent, witness: witnessFor(signer, (k) => sign(message, k)) };
}

/** A witness of the account `client` over `message`, or a coded error. */
async function checkClientWitness(w: Witness, client: Uint8Array, message: Uint8Array, what: string, verifier: SignatureVerifier): Promise<void> {
  if (!equalBytes(scriptHash(w.verification), client)) {
    throw exchangeError('EXCHANGE_SIGNATURE_INVALID', `the ${what} is not signed by the order's client`, { client: uintToString(client) });
  }
  const r = await runWitness(w.invocation, w.verification, message, verifier);
  if (!r.ok) throw exchangeError('EXCHANGE_SIGNATURE_INVALID', `the client's signature on the ${what} does not verify: ${r.reason}`, { client: uintToString(client) });
}

/** Both signatures of a placed order: the order's (as the chain checks it) and the terms'. */
export async function verifyPlacedOrder(p: PlacedOrder, magic: number, verifier: SignatureVerifier = defaultVerifier()): Promise<void> {
  if (p.version !== TERMS_VERSION) throw exchangeError('EXCHANGE_VERSION_UNSUPPORTED', `orders of version ${p.version} are not understood here`, { version: p.version });
  try {
    await verifyOrder(p.order, verifier);
  } catch (e) {
    if (e instanceof ProtocolError) throw exchangeError('EXCHANGE_SIGNATURE_INVALID', e.message, e.data);
    throw e;
  }
  await checkClientWitness(p.witness, p.order.client, termsMessage(magic, p.order, p.expires, p.maxFeeBps), 'order terms', verifier);
}

/** A cancel's signature, by the client of the order it names. */
export async function verifyCancel(c: CancelOrder, client: Uint8Array, magic: number, verifier: SignatureVerifier = defaultVerifier()): Promise<void> {
  if (c.version !== TERMS_VERSION) throw exchangeError('EXCHANGE_VERSION_UNSUPPORTED', `cancels of version ${c.version} are not understood here`, { version: c.version });
  await checkClientWitness(c.witness, client, cancelMessage(magic, c.order, c.agent), 'cancel', verifier);
}

/** Decodes a placed order, or says plainly that the bytes are not one. */
export function decodePlacedOrder(bytes: Uint8Array): PlacedOrder {
  try {
    return decodeStrict(PlacedOrder, bytes, 'PlacedOrder');
  } catch (e) {
    throw exchangeError('EXCHANGE_MALFORMED', 'these bytes are not an order', { reason: e instanceof Error ? e.message : String(e) });
  }
}

/** Decodes a cancel, or says plainly that the bytes are not one. */
export function decodeCancel(bytes: Uint8Array): CancelOrder {
  try {
    return decodeStrict(CancelOrder, bytes, 'CancelOrder');
  } catch (e) {
    throw exchangeError('EXCHANGE_MALFORMED', 'these bytes are not a cancel', { reason: e instanceof Error ? e.message : String(e) });
  }
}

/** The order's identity: hash256 of the unsigned order (what the chain's order witness signs). */
export function placedOrderHash(p: PlacedOrder): Uint8Array {
  return orderHash(p.order);
}
