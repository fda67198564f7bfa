/**
 * Contract offers sent straight to the counterparty's browser (whitepaper 4.2.1: a contract is
 * proposed, shared, reviewed and signed by each party). A browser peer that chose to receive
 * offers lists, in its discovery announcement, an inbox tag for each of its accounts:
 * SHA-256("antshares-web/inbox/v1" | script hash | its peer id), first 16 bytes. A proposer who
 * knows the counterparty's address computes the tag for each announced peer, finds the one whose
 * wallet holds it, and sends the offer over a stream to that peer alone.
 *
 * The tag hides nothing from someone who already knows an address (that is its purpose); it does
 * keep the announcement from listing addresses outright. Receiving is off until the user turns it on.
 *
 * Protocol `/antshares/<magic>/offer/1.0.0`: the proposer writes the offer text (length-prefixed
 * UTF-8, at most MAX_OFFER_BYTES); the receiver answers one byte, 1 taken and 0 refused.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '../encoding/bytes.ts';
import { DecodeError, ProtocolError } from '../encoding/errors.ts';
import type { Peer } from './peer.ts';

/** Largest offer on the wire: a swap with many inputs still fits many times over. */
export const MAX_OFFER_BYTES = 64 << 10;
/** Most inbox tags one announcement lists. */
export const MAX_INBOX_TAGS = 16;
/** How long reaching a peer and handing it an offer may take. */
const SEND_TIMEOUT_MS = 10_000;

export type OfferErrorCode = 'OFFER_RECIPIENT_NOT_FOUND' | 'OFFER_REFUSED' | 'OFFER_TOO_LARGE';

export function offerError(code: OfferErrorCode, message: string, data: Record<string, unknown> = {}): ProtocolError<OfferErrorCode> {
  return new ProtocolError(code, message, data);
}

const INBOX_LABEL = new TextEncoder().encode('antshares-web/inbox/v1');

/** The inbox tag of an account (its script hash) at a peer, as 32 hex digits. */
export function inboxTag(scriptHash: Uint8Array, peerId: string): string {
  return bytesToHex(sha256(concatBytes(INBOX_LABEL, scriptHash, new TextEncoder().encode(peerId))).subarray(0, 16));
}

export function isInboxTag(tag: unknown): tag is string {
  return typeof tag === 'string' && /^[0-9a-f]{32}$/.test(tag);
}

export function offerProtocolOf(magic: number): string {
  return `/antshares/${magic.toString(16).padStart(8, '0')}/offer/1.0.0`;
}

/**
 * Receives offers: `accept` gets each one's text and its sender, and says whether it was taken
 * (a text that is not an offer is refused there). The peer's rate limit and deadlines are the
 * request protocols' (Peer.serve): at most a few offers a second from one peer.
 */
export async function serveOffers(peer: Peer, magic: number, accept: (text: string, from: string) => boolean): Promise<void> {
  await peer.serve(offerProtocolOf(magic), 'offers', MAX_OFFER_BYTES, async (io, from) => {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await io.read());
    } catch (e) {
      if (e instanceof TypeError) throw new DecodeError('Offer', 'not UTF-8 text');
      throw e;
    }
    await io.write(Uint8Array.of(accept(text, from) ? 1 : 0));
  });
}

/** Sends `text` to the peer `remote` (dialled at `address` when not connected); resolves once it took the offer. */
export async function sendOffer(peer: Peer, magic: number, remote: string, address: string, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > MAX_OFFER_BYTES) throw offerError('OFFER_TOO_LARGE', `an offer of ${bytes.length} bytes`, { bytes: bytes.length, max: MAX_OFFER_BYTES });
  if (!peer.connections().includes(remote)) await peer.dial(address, SEND_TIMEOUT_MS);
  const answer = await peer.request(remote, offerProtocolOf(magic), 1, async (io) => {
    await io.write(bytes);
    return io.read();
  }, { deadlineMs: SEND_TIMEOUT_MS });
  if (answer.length !== 1 || answer[0] !== 1) throw offerError('OFFER_REFUSED', "the counterparty's wallet did not take the offer", { peer: remote });
}
