/**
 * The on-disk KeyValueStore of Node peers: classic-level (LevelDB), whose batches are atomic and,
 * with `sync: true`, durable when they resolve (a killed process loses nothing it was told was
 * written). Node only: browsers use IndexedDB.
 */
import { ClassicLevel } from 'classic-level';
import type { BatchOp, KeyValueStore } from './kv.ts';

/**
 * classic-level hands out Node Buffers, whose `slice` shares memory where Uint8Array's copies:
 * callers get plain Uint8Array views of the same bytes.
 */
function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export class LevelStore implements KeyValueStore {
  readonly #db: ClassicLevel<Uint8Array, Uint8Array>;

  private constructor(db: ClassicLevel<Uint8Array, Uint8Array>) {
    this.#db = db;
  }

  /** Opens (creating if needed) the store in the folder `path`. */
  static async open(path: string): Promise<LevelStore> {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') throw new Error(`the store ${path} is in use by another process (is a node or devnet already running on it?)`, { cause: e });
      throw new Error(`the store ${path} cannot be opened: ${(e as Error).message}`, { cause: e });
    }
    return new LevelStore(db);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const v = await this.#db.get(key);
    return v === undefined ? undefined : plain(v);
  }

  async batch(ops: readonly BatchOp[]): Promise<void> {
    await this.#db.batch(ops.map((o) => (o.type === 'put' ? { type: 'put', key: o.key, value: o.value } : { type: 'del', key: o.key })), { sync: true });
  }

  async range(gte: Uint8Array, lt: Uint8Array): Promise<[Uint8Array, Uint8Array][]> {
    const out: [Uint8Array, Uint8Array][] = [];
    for await (const [k, v] of this.#db.iterator({ gte, lt })) out.push([plain(k), plain(v)]);
    return out;
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
