/**
 * Placing orders with an agent, and reading its book, peer to peer (docs/exchange.md):
 * - `/antshares/<magic>/order/1.0.0`: the client writes one request, a kind byte (1 place, 2
 *   cancel) and the PlacedOrder's or CancelOrder's bytes; the agent answers JSON,
 *   `{"id": ...}` when taken or `{"error": {"code", "message"}}` when refused (nothing changed);
 * - `/antshares/<magic>/book/1.0.0`: the client writes an empty request; the agent answers its
 *   signed book's bytes (PublishedBook).
 * The peer's rate limits and deadlines are the request protocols' (Peer.serve); a request that is
 * no order at all (garbage) bans its sender.
 */
import { concatBytes } from '../encoding/bytes.ts';
import { DecodeError, ProtocolError } from '../encoding/errors.ts';
import type { Peer } from './peer.ts';

/** Largest order or cancel on the wire (an order with many inputs still fits). */
export const MAX_ORDER_BYTES = 64 << 10;
/** Largest book on the wire. */
export const MAX_BOOK_BYTES = 16 << 20;
const TIMEOUT_MS = 10_000;

export const ORDER_PLACE = 1;
export const ORDER_CANCEL = 2;

export function orderProtocolOf(magic: number): string {
  return `/antshares/${magic.toString(16).padStart(8, '0')}/order/1.0.0`;
}

export function bookProtocolOf(magic: number): string {
  return `/antshares/${magic.toString(16).padStart(8, '0')}/book/1.0.0`;
}

/** An agent's answer to an order or a cancel. */
export type OrderAnswer = { readonly id: string } | { readonly error: { readonly code: string; readonly message: string } };

/**
 * Serves orders and the book: `handle` gets each request's kind and bytes and its sender and
 * answers; `book` gives the current signed book's bytes.
 */
export async function serveOrders(peer: Peer, magic: number, handle: (kind: number, bytes: Uint8Array, from: string) => Promise<OrderAnswer>, book: () => Uint8Array): Promise<void> {
  await peer.serve(orderProtocolOf(magic), 'orders', MAX_ORDER_BYTES + 1, async (io, from) => {
    const request = await io.read();
    if (request.length < 2 || (request[0] !== ORDER_PLACE && request[0] !== ORDER_CANCEL)) throw new DecodeError('OrderRequest', 'neither an order nor a cancel');
    const answer = await handle(request[0], request.subarray(1), from);
    await io.write(new TextEncoder().encode(JSON.stringify(answer)));
  });
  await peer.serve(bookProtocolOf(magic), 'books', 16, async (io) => {
    await io.read();
    await io.write(book());
  });
}

/** Stops serving orders and the book (the agent stops, its node goes on). */
export async function unserveOrders(peer: Peer, magic: number): Promise<void> {
  await peer.unserve(orderProtocolOf(magic));
  await peer.unserve(bookProtocolOf(magic));
}

function readAnswer(bytes: Uint8Array): OrderAnswer {
  try {
    const a = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as OrderAnswer;
    if (a && typeof a === 'object' && ('id' in a ? typeof a.id === 'string' : typeof a.error?.code === 'string')) return a;
  } catch {
    // below
  }
  throw new DecodeError('OrderAnswer', 'not an answer to an order');
}

/** Sends an order (kind ORDER_PLACE) or a cancel (ORDER_CANCEL) to the agent `remote`; resolves with its id, or throws the agent's coded refusal. */
export async function sendOrder(peer: Peer, magic: number, remote: string, kind: number, bytes: Uint8Array): Promise<string> {
  const answer = await peer.request(remote, orderProtocolOf(magic), 4096, async (io) => {
    await io.write(concatBytes(Uint8Array.of(kind), bytes));
    return readAnswer(await io.read());
  }, { deadlineMs: TIMEOUT_MS });
  if ('error' in answer) throw new ProtocolError(answer.error.code, answer.error.message, {});
  return answer.id;
}

/** The agent's signed book's bytes (check them with readBook). */
export async function fetchBook(peer: Peer, magic: number, remote: string): Promise<Uint8Array> {
  return peer.request(remote, bookProtocolOf(magic), MAX_BOOK_BYTES, async (io) => {
    await io.write(Uint8Array.of(0));
    return io.read();
  }, { deadlineMs: TIMEOUT_MS * 3 });
}
