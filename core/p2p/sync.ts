/**
 * Block sync by height range over a request/response stream (docs/protocol.md, "Network").
 * Request: from (u32 LE) and count (u16 LE, at most MAX_BLOCKS_PER_REQUEST). Response: each
 * block's bytes, length-prefixed, in height order, then an empty message; a server stops early
 * once it has sent RESPONSE_BYTES_MAX (the client asks again from where it got to). Every block the
 * client receives goes through all the ledger's rules; one that fails marks its server as
 * misbehaving. Each request has a deadline, each peer a rate limit (Peer.serve, Peer.request).
 */
import { DecodeError, isInputError } from '../encoding/errors.ts';
import type { ChainLike } from '../state/chain.ts';
import { decodeBlock } from '../block/block.ts';
import { Header, decodeHeader } from '../block/header.ts';
import { PENALTY, type Peer } from './peer.ts';

/** Most blocks one request asks for. */
export const MAX_BLOCKS_PER_REQUEST = 500;
/** Largest block accepted on the wire. */
export const MAX_BLOCK_BYTES = 4 << 20;
/** Largest header with its witness (1,024 validators' keys and the signatures of M of them). */
export const MAX_HEADER_BYTES = 128 << 10;
/** Most bytes one response carries (the last block may pass it); the client refuses more. */
export const RESPONSE_BYTES_MAX = 16 << 20;
/** How long a range of blocks may take to arrive, and each message of it. */
const BLOCKS_DEADLINE_MS = 60_000;
const BLOCKS_IDLE_MS = 10_000;

export function syncProtocolOf(magic: number): string {
  return `/antshares/${magic.toString(16).padStart(8, '0')}/blocks/1.0.0`;
}

export function headersProtocolOf(magic: number): string {
  return `/antshares/${magic.toString(16).padStart(8, '0')}/headers/1.0.0`;
}

/** Serves this peer's blocks to others. */
export async function serveBlocks(peer: Peer, magic: number, blockBytes: (height: number) => Promise<Uint8Array | undefined>): Promise<void> {
  await serveRange(peer, syncProtocolOf(magic), 'blockRequests', blockBytes);
}

/**
 * Serves headers by height range (same request and response shape as blocks; each item is a
 * header with its witness): what a light client, a wallet starting up, checks before it asks for
 * the blocks it needs.
 */
export async function serveHeaders(peer: Peer, magic: number, blockBytes: (height: number) => Promise<Uint8Array | undefined>): Promise<void> {
  await serveRange(peer, headersProtocolOf(magic), 'headerRequests', async (h) => {
    const bytes = await blockBytes(h);
    return bytes && Header.encode(decodeBlock(bytes));
  });
}

/** A range request's two numbers; a DecodeError for anything but 6 bytes. */
function decodeRangeRequest(request: Uint8Array): { from: number; count: number } {
  if (request.length !== 6) throw new DecodeError('BlockRequest', `${request.length} bytes, expected 6`);
  const view = new DataView(request.buffer, request.byteOffset, 6);
  return { from: view.getUint32(0, true), count: Math.min(view.getUint16(4, true), MAX_BLOCKS_PER_REQUEST) };
}

async function serveRange(peer: Peer, protocol: string, kind: 'blockRequests' | 'headerRequests', itemBytes: (height: number) => Promise<Uint8Array | undefined>): Promise<void> {
  await peer.serve(protocol, kind, 6, async (io) => {
    const { from, count } = decodeRangeRequest(await io.read());
    let sent = 0;
    for (let h = from; h < from + count && sent < RESPONSE_BYTES_MAX; h++) {
      const bytes = await itemBytes(h);
      if (!bytes) break;
      await io.write(bytes);
      sent += bytes.length;
    }
    await io.write(new Uint8Array(0));
  });
}

/** Asks `remote` (a peer id) for up to `count` blocks from `from`. */
export function fetchBlocks(peer: Peer, magic: number, remote: string, from: number, count: number): Promise<Uint8Array[]> {
  return fetchRange(peer, syncProtocolOf(magic), remote, from, count, MAX_BLOCK_BYTES);
}

/** Asks `remote` for up to `count` headers from `from`; each is decoded (a DecodeError names a bad one). */
export async function fetchHeaders(peer: Peer, magic: number, remote: string, from: number, count: number): Promise<Header[]> {
  return (await fetchRange(peer, headersProtocolOf(magic), remote, from, count, MAX_HEADER_BYTES)).map(decodeHeader);
}

/**
 * A range of items, bounded by what was asked: at most `count` items of at most `maxItem` bytes,
 * at most RESPONSE_BYTES_MAX in all (plus the item that passes it). More is a DecodeError, which
 * bans the server; a server that does not answer in time is penalised (PEER_TIMEOUT).
 */
async function fetchRange(peer: Peer, protocol: string, remote: string, from: number, count: number, maxItem: number): Promise<Uint8Array[]> {
  const asked = Math.min(count, MAX_BLOCKS_PER_REQUEST);
  const request = new Uint8Array(6);
  const view = new DataView(request.buffer);
  view.setUint32(0, from, true);
  view.setUint16(4, asked, true);
  return peer.request(remote, protocol, maxItem, async (io) => {
    await io.write(request);
    const items: Uint8Array[] = [];
    let bytes = 0;
    for (;;) {
      const message = await io.read();
      if (message.length === 0) return items;
      if (items.length >= asked) throw new DecodeError('BlockResponse', `more than the ${asked} items asked for`);
      if (bytes >= RESPONSE_BYTES_MAX) throw new DecodeError('BlockResponse', `more than ${RESPONSE_BYTES_MAX} bytes`);
      items.push(message);
      bytes += message.length;
    }
  }, { deadlineMs: BLOCKS_DEADLINE_MS, idleMs: BLOCKS_IDLE_MS });
}

/** The height a block's bytes name (offset 72 of its header), or -1 when they are too short. */
export function heightOfBlockBytes(bytes: Uint8Array): number {
  return bytes.length < 76 ? -1 : new DataView(bytes.buffer, bytes.byteOffset + 72, 4).getUint32(0, true);
}

/**
 * Brings `chain` up to `remote`'s tip. Blocks are asked for outside `apply` (which the node runs
 * in its queue of chain work), so that waiting on a peer never holds up blocks arriving by gossip
 * meanwhile; a range is applied from the chain's height at that moment (what gossip already brought
 * is skipped). A block that breaks a rule ends the sync: the remote is banned and the error
 * returned; the chain keeps every good block before it. A remote that does not answer in time
 * ends it too, with its PEER_TIMEOUT.
 */
export async function syncFrom(peer: Peer, magic: number, remote: string, chain: ChainLike, onProgress?: (height: number) => void, apply: <T>(work: () => Promise<T>) => Promise<T> = (work) => work()): Promise<{ height: number; error?: Error }> {
  let from = chain.height + 1;
  let next = fetchBlocks(peer, magic, remote, from, MAX_BLOCKS_PER_REQUEST);
  for (;;) {
    let blocks: Uint8Array[];
    try {
      blocks = await next;
    } catch (e) {
      return { height: chain.height, error: e as Error };
    }
    if (blocks.length === 0) {
      await apply(() => chain.flush());
      return { height: chain.height };
    }
    // The next range is asked for while this one is checked (unless this one is large: memory).
    const bytes = blocks.reduce((n, b) => n + b.length, 0);
    const ahead = from + blocks.length;
    const prefetch = bytes <= PREFETCH_BYTES_MAX ? fetchBlocks(peer, magic, remote, ahead, MAX_BLOCKS_PER_REQUEST) : undefined;
    prefetch?.catch(() => {}); // a failed prefetch is thrown below, when its turn comes
    const rangeFrom = from;
    try {
      await apply(async () => {
        const skip = chain.height + 1 - rangeFrom;
        if (skip < blocks.length) await chain.addBlocks(skip > 0 ? blocks.slice(skip) : blocks, { onBlock: onProgress, flush: false });
      });
    } catch (e) {
      if (!isInputError(e)) throw e;
      await peer.penalize(remote, PENALTY.invalid, `a bad block in sync: ${(e as Error).message}`); // a rule broken: disconnected and refused for a while
      return { height: chain.height, error: e };
    }
    from = Math.max(chain.height + 1, ahead);
    next = prefetch && from === ahead ? prefetch : fetchBlocks(peer, magic, remote, from, MAX_BLOCKS_PER_REQUEST);
  }
}

/** A range of blocks larger than this is checked before the next is asked for. */
const PREFETCH_BYTES_MAX = 32 << 20;

/** Most transactions one fetch asks for. */
export const MAX_TXS_PER_REQUEST = 4096;
/** Largest transaction accepted on the wire. */
export const MAX_TX_BYTES = 1 << 20;

export function txProtocolOf(magic: number): string {
  return `/antshares/${magic.toString(16).padStart(8, '0')}/txs/1.0.0`;
}

/**
 * Serves transactions by hash (a validator fetching what a deal proposed). Request: the hashes,
 * 32 bytes each (at most MAX_TXS_PER_REQUEST). Response: for each, its bytes, or an empty
 * message when this peer does not have it.
 */
export async function serveTransactions(peer: Peer, magic: number, lookup: (hash: Uint8Array) => Uint8Array | undefined): Promise<void> {
  await peer.serve(txProtocolOf(magic), 'txRequests', 32 * MAX_TXS_PER_REQUEST, async (io) => {
    const request = await io.read();
    if (request.length === 0 || request.length % 32 !== 0) throw new DecodeError('TxRequest', `${request.length} bytes, expected a multiple of 32`);
    for (let i = 0; i < request.length; i += 32) await io.write(lookup(request.subarray(i, i + 32)) ?? new Uint8Array(0));
  });
}

/** Asks `remote` for transactions by hash; gives the bytes it had (unchecked), by position. */
export async function fetchTransactions(peer: Peer, magic: number, remote: string, hashes: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
  const asked = hashes.slice(0, MAX_TXS_PER_REQUEST);
  const request = new Uint8Array(32 * asked.length);
  asked.forEach((h, i) => request.set(h, 32 * i));
  return peer.request(remote, txProtocolOf(magic), MAX_TX_BYTES, async (io) => {
    await io.write(request);
    const out: (Uint8Array | undefined)[] = [];
    for (let i = 0; i < asked.length; i++) {
      const m = await io.read();
      out.push(m.length > 0 ? m : undefined);
    }
    return out;
  }, { deadlineMs: 30_000 });
}
