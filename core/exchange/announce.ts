/**
 * What an agent tells the network (docs/exchange.md, "Finding and auditing an agent"):
 * - its **announcement**, on the agents gossip topic every few blocks: its account (public key,
 *   so the address follows), its fee, the pairs it trades, where to reach it (its peer id, its
 *   addresses, an HTTP URL if it serves one), the height it speaks at, and the hash of its book at
 *   that height; signed with its key, so no one can announce for it;
 * - its **book**, on request: every standing order as the client placed it (both signatures),
 *   every split order standing for one, the cancels it honoured and the settlements it sent,
 *   each with the book's sequence number, signed with its key. Anyone replays it against the
 *   chain (audit.ts): a fill worse than its batch's price, an order settled after its cancel, or
 *   crossing orders left unmatched are there for all to see.
 */
import * as P from 'micro-packed';
import { concatBytes } from '../encoding/bytes.ts';
import { Fixed8, UInt160, UInt256, decodeStrict, varArray, varString } from '../encoding/primitives.ts';
import { hash256 } from '../crypto/hash.ts';
import { ECPoint } from '../crypto/keys.ts';
import { defaultVerifier, sign, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { exchangeError } from './errors.ts';
import { CancelOrder, PlacedOrder, u32 } from './terms.ts';
import { TransactionInput } from '../tx/io.ts';

export const ANNOUNCE_VERSION = 1;
/** Largest announcement on the wire. */
export const MAX_AGENT_ANNOUNCEMENT = 8192;

const Pair = P.struct({ assetId: UInt256, valueAssetId: UInt256 });

export const AgentAnnouncement = P.struct({
  version: P.U8,
  /** The agent's public key (P-256, compressed): its account is the single-key account of it. */
  publicKey: ECPoint,
  feeBps: P.U16LE,
  pairs: varArray(64, Pair),
  peer: varString(100),
  addresses: varArray(8, varString(400)),
  /** Its HTTP endpoint (POST /orders, GET /book), or empty. */
  http: varString(400),
  height: P.U32LE,
  /** hash256 of its book's bytes at `height`. */
  book: UInt256,
  signature: P.bytes(64),
});
export type AgentAnnouncement = P.UnwrapCoder<typeof AgentAnnouncement>;

/** A split order in the book: the remainder of `origin`, spending outputs of the settlement that left it. */
export const BookSplit = P.struct({ origin: UInt256, seq: P.U32LE, amount: Fixed8, inputs: varArray(1024, TransactionInput) });
export type BookSplit = P.UnwrapCoder<typeof BookSplit>;

export const PublishedBook = P.struct({
  version: P.U8,
  agent: UInt160,
  height: P.U32LE,
  /** Standing placed orders (still whole, or waiting for their first settlement), with their sequence numbers and the height they came at. */
  orders: varArray(1 << 16, P.struct({ seq: P.U32LE, height: P.U32LE, order: PlacedOrder })),
  /** The placed orders that have a split order standing for them (their remainder), or were filled. */
  history: varArray(1 << 16, PlacedOrder),
  splits: varArray(1 << 16, BookSplit),
  cancels: varArray(1 << 16, P.struct({ height: P.U32LE, cancel: CancelOrder })),
  /** The settlements it sent: transaction hashes, with the batch's clearing price. */
  settlements: varArray(1 << 16, P.struct({ tx: UInt256, price: Fixed8, height: P.U32LE })),
  signature: P.bytes(64),
});
export type PublishedBook = P.UnwrapCoder<typeof PublishedBook>;

const enc = new TextEncoder();
const NO_SIGNATURE = new Uint8Array(64);

function signedBytes<T extends { signature: Uint8Array }>(coder: P.CoderType<T>, value: T, domain: string, magic: number): Uint8Array {
  const body = coder.encode({ ...value, signature: NO_SIGNATURE });
  return concatBytes(enc.encode(domain), u32(magic), hash256(body));
}

export function signAnnouncement(a: Omit<AgentAnnouncement, 'signature' | 'version'>, key: Uint8Array, magic: number): AgentAnnouncement {
  const value = { ...a, version: ANNOUNCE_VERSION, signature: NO_SIGNATURE };
  return { ...value, signature: sign(signedBytes(AgentAnnouncement, value, 'antshares agent announcement', magic), key) };
}

export function signBook(b: Omit<PublishedBook, 'signature' | 'version'>, key: Uint8Array, magic: number): PublishedBook {
  const value = { ...b, version: ANNOUNCE_VERSION, signature: NO_SIGNATURE };
  return { ...value, signature: sign(signedBytes(PublishedBook, value, 'antshares agent book', magic), key) };
}

/** Decodes and checks an announcement: its signature is its own key's. */
export async function readAnnouncement(bytes: Uint8Array, magic: number, verifier: SignatureVerifier = defaultVerifier()): Promise<AgentAnnouncement> {
  if (bytes.length > MAX_AGENT_ANNOUNCEMENT) throw exchangeError('EXCHANGE_MALFORMED', 'an agent announcement too large', { bytes: bytes.length });
  let a: AgentAnnouncement;
  try {
    a = decodeStrict(AgentAnnouncement, bytes, 'AgentAnnouncement');
  } catch (e) {
    throw exchangeError('EXCHANGE_MALFORMED', 'these bytes are not an agent announcement', { reason: e instanceof Error ? e.message : String(e) });
  }
  if (a.version !== ANNOUNCE_VERSION) throw exchangeError('EXCHANGE_VERSION_UNSUPPORTED', `agent announcements of version ${a.version} are not understood here`, { version: a.version });
  if (!(await verifier.verify(a.signature, signedBytes(AgentAnnouncement, a, 'antshares agent announcement', magic), a.publicKey))) {
    throw exchangeError('EXCHANGE_SIGNATURE_INVALID', "the announcement is not signed by the agent's key", {});
  }
  return a;
}

/** Decodes a published book and checks it is signed by `publicKey` (the agent's, from its announcement). */
export async function readBook(bytes: Uint8Array, publicKey: Uint8Array, magic: number, verifier: SignatureVerifier = defaultVerifier()): Promise<PublishedBook> {
  let b: PublishedBook;
  try {
    b = decodeStrict(PublishedBook, bytes, 'PublishedBook');
  } catch (e) {
    throw exchangeError('EXCHANGE_MALFORMED', 'these bytes are not an agent book', { reason: e instanceof Error ? e.message : String(e) });
  }
  if (b.version !== ANNOUNCE_VERSION) throw exchangeError('EXCHANGE_VERSION_UNSUPPORTED', `books of version ${b.version} are not understood here`, { version: b.version });
  if (!(await verifier.verify(b.signature, signedBytes(PublishedBook, b, 'antshares agent book', magic), publicKey))) {
    throw exchangeError('EXCHANGE_SIGNATURE_INVALID', "the book is not signed by the agent's key", {});
  }
  return b;
}

/** The hash an announcement carries for a book. */
export function bookHash(bytes: Uint8Array): Uint8Array {
  return hash256(bytes);
}
