/**
 * The one storage interface of the project: binary keys in bytewise order, binary values, atomic
 * batches. Backends: memory (tests), IndexedDB (browsers), classic-level (Node, on disk).
 */

/** A write of a batch. */
export type BatchOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

export interface KeyValueStore {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Writes every op or none, durably, before resolving. */
  batch(ops: readonly BatchOp[]): Promise<void>;
  /** Entries with `gte <= key < lt`, in key order. */
  range(gte: Uint8Array, lt: Uint8Array): Promise<[Uint8Array, Uint8Array][]>;
  close(): Promise<void>;
}

/** Bytewise order of keys. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
