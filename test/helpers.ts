/** Shared test helpers: where the published vectors are, and small readers for them. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { DecodeError, bytesToHex } from '../core/encoding/index.ts';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Peer } from '../core/p2p/peer.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** `../shared/vectors` of the checkout (the published vectors, unchanged). */
export const SHARED_VECTORS = join(here, '..', '..', 'shared', 'vectors');
/** This project's own generated vectors. */
export const OWN_VECTORS = join(here, 'vectors');

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export interface WycheproofEcdsa {
  testGroups: {
    publicKey: { uncompressed: string; curve: string };
    tests: { tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable'; flags: string[] }[];
  }[];
}

/**
 * Whether `from` has heard that `to` subscribes to `topic`. Before a test publishes, the sender must
 * know of a subscriber: a publish with none known goes nowhere (allowPublishToZeroTopicPeers), and
 * the test would wait for a reaction that cannot come.
 */
export function hearsSubscriber(from: Peer, topic: string, to: Peer): boolean {
  return from.node.services.pubsub.getSubscribers(topic).some((p) => p.equals(to.node.peerId));
}

/** Waits until `ok()` holds, polling; fails naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Strict, canonical decoding: `bytes` either fail with a DecodeError, or decode to a value that
 * encodes back to the very same bytes.
 */
export function expectDecodeErrorOrCanonical<T>(bytes: Uint8Array, decode: (b: Uint8Array) => T, encode: (value: T) => Uint8Array): void {
  let value: T;
  try {
    value = decode(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return;
  }
  expect(bytesToHex(encode(value))).toBe(bytesToHex(bytes));
}
