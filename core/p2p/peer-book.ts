/**
 * The Node peers a node knows how to reach: their direct addresses, learned from the bootstrap
 * list, from identify (what a connected peer says it listens on) and from announcements on the
 * peers topic; kept across restarts (the node stores it); dialled again, with a backoff per peer,
 * whenever the node has fewer connections than it wants. A validator restarted on another port, or
 * one whose peers restarted, finds the others again this way, not only through the relay.
 */
import { DecodeError } from '../encoding/errors.ts';
import { isDirectAddress } from './discovery.ts';

/** What the book knows of one peer. */
export interface PeerEntry {
  readonly id: string;
  addresses: string[];
  /** When the peer was last heard of or connected (ms). */
  seen: number;
  /** Dials that failed since the last success. */
  failures: number;
  /** Not dialled before this time (ms). */
  retryAt: number;
}

/** Most peers a book keeps; the least recently seen go first. */
export const PEER_BOOK_SIZE = 256;
const MAX_ADDRESSES = 4;
/** The first retry after a failed dial, doubled each failure up to RETRY_MAX_MS. */
const RETRY_MS = 2_000;
const RETRY_MAX_MS = 60_000;

export class PeerBook {
  readonly #entries = new Map<string, PeerEntry>();
  readonly #limit: number;
  #changed = false;

  constructor(limit = PEER_BOOK_SIZE) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** True when the book changed since the last `takeChanged` (so that a node writes it again). */
  takeChanged(): boolean {
    const c = this.#changed;
    this.#changed = false;
    return c;
  }

  /**
   * Notes direct addresses of `id` (anything else is ignored): new ones first, so that an
   * announcement after a restart on another port wins over the stale one. Returns true when the
   * book learned something.
   */
  add(id: string, addresses: readonly string[], now = Date.now()): boolean {
    const fresh = addresses.filter((a) => isDirectAddress(a) && a.endsWith(`/p2p/${id}`));
    if (fresh.length === 0) return false;
    const known = this.#entries.get(id);
    if (known) {
      const merged = [...new Set([...fresh, ...known.addresses])].slice(0, MAX_ADDRESSES);
      const learned = merged.some((a, i) => known.addresses[i] !== a);
      known.addresses = merged;
      known.seen = now;
      if (learned) {
        known.retryAt = now; // a new address: worth a dial at once
        this.#changed = true;
      }
      return learned;
    }
    if (this.#entries.size >= this.#limit) {
      let oldest: PeerEntry | undefined;
      for (const e of this.#entries.values()) if (!oldest || e.seen < oldest.seen) oldest = e;
      if (oldest) this.#entries.delete(oldest.id);
    }
    this.#entries.set(id, { id, addresses: fresh.slice(0, MAX_ADDRESSES), seen: now, failures: 0, retryAt: now });
    this.#changed = true;
    return true;
  }

  /** A dial to `id` succeeded: no backoff. */
  connected(id: string, now = Date.now()): void {
    const e = this.#entries.get(id);
    if (!e) return;
    e.failures = 0;
    e.retryAt = now;
    e.seen = now;
  }

  /** A dial to `id` failed: the next waits twice as long as the last, up to a minute. */
  failed(id: string, now = Date.now()): void {
    const e = this.#entries.get(id);
    if (!e) return;
    e.failures++;
    e.retryAt = now + Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** Math.min(e.failures - 1, 10));
  }

  /** Forgets a peer (it was banned, or its id is this node's own). */
  remove(id: string): void {
    if (this.#entries.delete(id)) this.#changed = true;
  }

  /** Up to `max` peers to dial now: not in `skip`, their backoff over, the fewest failures first. */
  due(skip: ReadonlySet<string>, max: number, now = Date.now()): PeerEntry[] {
    return [...this.#entries.values()]
      .filter((e) => !skip.has(e.id) && e.retryAt <= now)
      .sort((a, b) => a.failures - b.failures || b.seen - a.seen)
      .slice(0, max);
  }

  /** Every entry (for status views and tests). */
  entries(): PeerEntry[] {
    return [...this.#entries.values()];
  }

  /** The book as bytes to store: JSON of each peer's id, addresses and when it was seen. */
  encode(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify([...this.#entries.values()].map((e) => ({ id: e.id, addresses: e.addresses, seen: e.seen }))));
  }

  /** A book read back from `encode`'s bytes; a DecodeError for anything else. */
  static decode(bytes: Uint8Array, limit = PEER_BOOK_SIZE): PeerBook {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (e) {
      throw new DecodeError('PeerBook', `not JSON text (${(e as Error).message})`);
    }
    if (!Array.isArray(value)) throw new DecodeError('PeerBook', 'not a list');
    const book = new PeerBook(limit);
    for (const item of value.slice(0, limit)) {
      if (typeof item !== 'object' || item === null) throw new DecodeError('PeerBook', 'an entry is not an object');
      const { id, addresses, seen } = item as { id?: unknown; addresses?: unknown; seen?: unknown };
      if (typeof id !== 'string' || !Array.isArray(addresses) || typeof seen !== 'number') throw new DecodeError('PeerBook', 'an entry is { id, addresses, seen }');
      book.add(id, addresses.filter((a): a is string => typeof a === 'string'), seen);
    }
    book.#changed = false;
    return book;
  }
}
