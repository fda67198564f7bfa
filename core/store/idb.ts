/**
 * The browser's KeyValueStore: IndexedDB through `idb`, one object store with binary keys (which
 * IndexedDB orders bytewise). A batch is one readwrite transaction with strict durability: it
 * commits whole or not at all, and is on disk when it resolves, so a closed tab loses nothing it
 * was told was written.
 */
import { openDB, unwrap, type IDBPDatabase } from 'idb';
import { compareKeys, type BatchOp, type KeyValueStore } from './kv.ts';

const STORE = 'kv';

function toBuffer(b: Uint8Array): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer ? b.buffer : (b.slice().buffer as ArrayBuffer);
}

export class IdbStore implements KeyValueStore {
  readonly #db: IDBPDatabase;

  private constructor(db: IDBPDatabase) {
    this.#db = db;
  }

  /** Opens (creating if needed) the database `name`. */
  static async open(name: string): Promise<IdbStore> {
    const db = await openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore(STORE);
      },
    });
    return new IdbStore(db);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const v: unknown = await this.#db.get(STORE, toBuffer(key));
    return v === undefined ? undefined : new Uint8Array(v as ArrayBuffer);
  }

  async batch(ops: readonly BatchOp[]): Promise<void> {
    const tx = this.#db.transaction(STORE, 'readwrite', { durability: 'strict' });
    // The plain object store: idb would wrap each request in a promise nobody awaits, and a
    // group commit of a sync is thousands of requests; the transaction's outcome is `tx.done`.
    const store = unwrap(tx.store);
    for (const op of ops) {
      if (op.type === 'put') store.put(toBuffer(op.value), toBuffer(op.key));
      else store.delete(toBuffer(op.key));
    }
    await tx.done;
  }

  async range(gte: Uint8Array, lt: Uint8Array): Promise<[Uint8Array, Uint8Array][]> {
    if (compareKeys(gte, lt) >= 0) return []; // IDBKeyRange refuses an empty range
    const tx = this.#db.transaction(STORE, 'readonly');
    const range = IDBKeyRange.bound(toBuffer(gte), toBuffer(lt), false, true);
    const [keys, values] = await Promise.all([tx.store.getAllKeys(range), tx.store.getAll(range)]);
    await tx.done;
    return keys.map((k, i) => [new Uint8Array(k as ArrayBuffer), new Uint8Array(values[i] as ArrayBuffer)]);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
