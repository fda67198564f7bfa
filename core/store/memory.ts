/** An in-memory KeyValueStore (tests, and ledgers that need no persistence). */
import { bytesToHex, hexToBytes } from '../encoding/bytes.ts';
import type { BatchOp, KeyValueStore } from './kv.ts';

export class MemoryStore implements KeyValueStore {
  // Hex keys sort like the bytes they stand for.
  readonly #map = new Map<string, Uint8Array>();

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#map.get(bytesToHex(key));
  }

  async batch(ops: readonly BatchOp[]): Promise<void> {
    for (const op of ops) {
      if (op.type === 'put') this.#map.set(bytesToHex(op.key), Uint8Array.from(op.value));
      else this.#map.delete(bytesToHex(op.key));
    }
  }

  async range(gte: Uint8Array, lt: Uint8Array): Promise<[Uint8Array, Uint8Array][]> {
    const lo = bytesToHex(gte);
    const hi = bytesToHex(lt);
    return [...this.#map.keys()].filter((k) => k >= lo && k < hi).sort().map((k) => [hexToBytes(k), this.#map.get(k)!]);
  }

  async close(): Promise<void> {}

  /** Bytes held, for measurements. */
  get size(): number {
    let n = 0;
    for (const [k, v] of this.#map) n += k.length / 2 + v.length;
    return n;
  }
}
