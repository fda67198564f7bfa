/**
 * Block sync by height range over a request/response stream (docs/protocol.md, "Network").
 * Request: from (u32 LE) and count (u16 LE, at most MAX_BLOCKS_PER_REQUEST). Response: each
 * block's bytes, length-prefixed, in height order, then an empty message. Every block the client
 * receives goes through all the ledger's rules; one that fails marks its server as misbehaving.
 */
import { lpStream } from '@libp2p/utils';
import { peerIdFromString } from '@libp2p/peer-id';
import { DecodeError, isInputError } from '../encoding/errors.ts';
import type { ChainLike } from '../state/chain.ts';
import { decodeBlock } from '../block/block.ts';
import { Header, decodeHeader } from '../block/header.ts';
import { BAN_SCORE, type Peer } from './peer.ts';

/** Most blocks one request asks for. */
export const MAX_BLOCKS_PER_REQUEST = 500;
/** Largest block accepted on the wire. */
export const MAX_BLOCK_BYTES = 4 << 20;

export function syncProtocolOf(magic: number): string {
  return `/antshares/${magic.toString(16).padStart(8, '0')}/blocks/1.0.0`;
}

export function headersProtocolOf(magic: number): string {
  return `/antshares/${magic.toString(16).padStart(8, '0')}/headers/1.0.0`;
}

/** Streams a peer may have open at once on each request protocol (a peer needs one or two). */
const MAX_INBOUND_STREAMS = 4;

/** Serves this peer's blocks to others. */
export async function serveBlocks(peer: Peer, magic: number, blockBytes: (height: number) => Promise<Uint8Array | undefined>): Promise<void> {
  await serveRange(peer, syncProtocolOf(magic), blockBytes);
}

/**
 * Serves headers by height range (same request and response shape as blocks; each item is a
 * header with its witness): what a light client, a wallet starting up, checks before it asks for
 * the blocks it needs.
 */
export async function serveHeaders(peer: Peer, magic: number, blockBytes: (height: number) => Promise<Uint8Array | undefined>): Promise<void> {
  await serveRange(peer, headersProtocolOf(magic), async (h) => {
    const bytes = await blockBytes(h);
    return bytes && Header.encode(decodeBlock(bytes));
  });
}

async function serveRange(peer: Peer, protocol: string, itemBytes: (height: number) => Promise<Uint8Array | undefined>): Promise<void> {
  await peer.node.handle(protocol, async (stream) => {
    const lp = lpStream(stream, { maxDataLength: MAX_BLOCK_BYTES });
    try {
      const request = (await lp.read()).subarray();
      if (request.length !== 6) throw new DecodeError('BlockRequest', `${request.length} bytes, expected 6`);
      const view = new DataView(request.buffer, request.byteOffset, 6);
      const from = view.getUint32(0, true);
      const count = Math.min(view.getUint16(4, true), MAX_BLOCKS_PER_REQUEST);
      for (let h = from; h < from + count; h++) {
        const bytes = await itemBytes(h);
        if (!bytes) break;
        await lp.write(bytes);
      }
      await lp.write(new Uint8Array(0));
      await stream.close();
    } catch {
      stream.abort(new Error('bad block request'));
    }
  }, { maxInboundStreams: MAX_INBOUND_STREAMS });
}

/** Asks `remote` (a peer id) for up to `count` blocks from `from`. */
export function fetchBlocks(peer: Peer, magic: number, remote: string, from: number, count: number): Promise<Uint8Array[]> {
  return fetchRange(peer, syncProtocolOf(magic), remote, from, count);
}

/** Asks `remote` for up to `count` headers from `from`; each is decoded (a DecodeError names a bad one). */
export async function fetchHeaders(peer: Peer, magic: number, remote: string, from: number, count: number): Promise<Header[]> {
  return (await fetchRange(peer, headersProtocolOf(magic), remote, from, count)).map(decodeHeader);
}

async function fetchRange(peer: Peer, protocol: string, remote: string, from: number, count: number): Promise<Uint8Array[]> {
  const stream = await peer.node.dialProtocol(peerIdFromString(remote), protocol);
  const lp = lpStream(stream, { maxDataLength: MAX_BLOCK_BYTES });
  const request = new Uint8Array(6);
  const view = new DataView(request.buffer);
  view.setUint32(0, from, true);
  view.setUint16(4, Math.min(count, MAX_BLOCKS_PER_REQUEST), true);
  await lp.write(request);
  const blocks: Uint8Array[] = [];
  for (;;) {
    const message = (await lp.read()).subarray();
    if (message.length === 0) break;
    if (blocks.length >= MAX_BLOCKS_PER_REQUEST) throw new DecodeError('BlockResponse', 'more blocks than asked for');
    blocks.push(message);
  }
  await stream.close();
  return blocks;
}

/**
 * Brings `chain` up to `remote`'s tip. A block that breaks a rule ends the sync: the remote is
 * disconnected and the error returned; the chain keeps every good block before it.
 */
export async function syncFrom(peer: Peer, magic: number, remote: string, chain: ChainLike, onProgress?: (height: number) => void): Promise<{ height: number; error?: Error }> {
  let next = fetchBlocks(peer, magic, remote, chain.height + 1, MAX_BLOCKS_PER_REQUEST);
  for (;;) {
    const blocks = await next;
    if (blocks.length === 0) {
      await chain.flush();
      return { height: chain.height };
    }
    // The next range is asked for while this one is checked (unless this one is large: memory).
    const bytes = blocks.reduce((n, b) => n + b.length, 0);
    const ahead = chain.height + blocks.length + 1;
    const prefetch = bytes <= PREFETCH_BYTES_MAX ? fetchBlocks(peer, magic, remote, ahead, MAX_BLOCKS_PER_REQUEST) : undefined;
    prefetch?.catch(() => {}); // a failed prefetch is thrown below, when its turn comes
    try {
      await chain.addBlocks(blocks, { onBlock: onProgress, flush: false });
    } catch (e) {
      if (!isInputError(e)) throw e;
      await peer.penalize(remote, -BAN_SCORE, `a bad block in sync: ${(e as Error).message}`); // a rule broken: disconnected and refused for a while
      return { height: chain.height, error: e };
    }
    next = prefetch ?? fetchBlocks(peer, magic, remote, chain.height + 1, MAX_BLOCKS_PER_REQUEST);
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
  await peer.node.handle(txProtocolOf(magic), async (stream) => {
    const lp = lpStream(stream, { maxDataLength: 32 * MAX_TXS_PER_REQUEST });
    try {
      const request = (await lp.read()).subarray();
      if (request.length === 0 || request.length % 32 !== 0) throw new DecodeError('TxRequest', `${request.length} bytes, expected a multiple of 32`);
      for (let i = 0; i < request.length; i += 32) await lp.write(lookup(request.subarray(i, i + 32)) ?? new Uint8Array(0));
      await stream.close();
    } catch {
      stream.abort(new Error('bad transaction request'));
    }
  }, { maxInboundStreams: MAX_INBOUND_STREAMS });
}

/** Asks `remote` for transactions by hash; gives the bytes it had (unchecked), by position. */
export async function fetchTransactions(peer: Peer, magic: number, remote: string, hashes: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
  const asked = hashes.slice(0, MAX_TXS_PER_REQUEST);
  const stream = await peer.node.dialProtocol(peerIdFromString(remote), txProtocolOf(magic));
  const lp = lpStream(stream, { maxDataLength: MAX_TX_BYTES });
  const request = new Uint8Array(32 * asked.length);
  asked.forEach((h, i) => request.set(h, 32 * i));
  await lp.write(request);
  const out: (Uint8Array | undefined)[] = [];
  for (let i = 0; i < asked.length; i++) {
    const m = (await lp.read()).subarray();
    out.push(m.length > 0 ? m : undefined);
  }
  await stream.close();
  return out;
}
