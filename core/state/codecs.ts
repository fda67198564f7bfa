/**
 * Hand-written codecs for the hot paths of the store: the three fixed-layout tables that make
 * nearly every entry of a block's delta (outputs, transactions, history), and the delta itself.
 * They write the very bytes of the micro-packed schemas in tables.ts (which stay the definition),
 * property-tested equal, at a fraction of the cost: a block of 1,000 transfers changes about
 * 7,500 entries, and the schemas' general machinery cost more than all the ledger's rules.
 */
import { DecodeError } from '../encoding/errors.ts';
import { decodeStrict, varIntSize } from '../encoding/primitives.ts';
import type * as P from 'micro-packed';
import { bytesToHex } from '../encoding/bytes.ts';
import { Delta, SnapshotChunk, type HistoryRecord, type TxRecord, type Utxo } from './tables.ts';

/** Encodes and decodes one table's values. */
export interface ValueCodec<V> {
  encode(value: V): Uint8Array;
  decode(bytes: Uint8Array): V;
}

/** A table's codec from its schema. */
export function schemaCodec<V>(schema: P.CoderType<V>, what: string): ValueCodec<V> {
  return { encode: (v) => schema.encode(v), decode: (b) => decodeStrict(schema, b, what) };
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const scratchBytes = new Uint8Array(8);
const scratch = new DataView(scratchBytes.buffer);

function exact(b: Uint8Array, n: number, what: string): void {
  if (b.length !== n) throw new DecodeError(what, `${b.length} bytes, expected ${n}`);
}

/** UtxoRecord: assetId 32, value i64 LE, scriptHash 20, height u32 LE (decoded with its hex keys). */
export const utxoCodec: ValueCodec<Utxo> = {
  encode(u) {
    // Called for nearly every change of a block: no DataView made per record.
    const b = new Uint8Array(64);
    b.set(u.assetId, 0);
    scratch.setBigInt64(0, u.value, true);
    b.set(scratchBytes, 32);
    b.set(u.scriptHash, 40);
    const h = u.height;
    b[60] = h & 0xff;
    b[61] = (h >>> 8) & 0xff;
    b[62] = (h >>> 16) & 0xff;
    b[63] = h >>> 24;
    return b;
  },
  decode(b) {
    exact(b, 64, 'UtxoRecord');
    const v = view(b);
    const assetId = b.slice(0, 32);
    const scriptHash = b.slice(40, 60);
    return { assetId, value: v.getBigInt64(32, true), scriptHash, height: v.getUint32(60, true), account: bytesToHex(scriptHash), asset: bytesToHex(assetId) };
  },
};

/** TxRecord: height, index, outputs, each u32 LE. */
export const txCodec: ValueCodec<TxRecord> = {
  encode(t) {
    const b = new Uint8Array(12);
    const v = view(b);
    v.setUint32(0, t.height, true);
    v.setUint32(4, t.index, true);
    v.setUint32(8, t.outputs, true);
    return b;
  },
  decode(b) {
    exact(b, 12, 'TxRecord');
    const v = view(b);
    return { height: v.getUint32(0, true), index: v.getUint32(4, true), outputs: v.getUint32(8, true) };
  },
};

/** HistoryRecord: txHash 32. */
export const historyCodec: ValueCodec<HistoryRecord> = {
  encode: (h) => {
    if (h.txHash.length !== 32) throw new RangeError('a transaction hash is 32 bytes');
    return Uint8Array.from(h.txHash);
  },
  decode(b) {
    exact(b, 32, 'HistoryRecord');
    return { txHash: b.slice() };
  },
};

function writeVarInt(b: Uint8Array, v: DataView, at: number, n: number): number {
  if (n < 0xfd) b[at++] = n;
  else if (n <= 0xffff) {
    b[at++] = 0xfd;
    v.setUint16(at, n, true);
    at += 2;
  } else {
    b[at++] = 0xfe;
    v.setUint32(at, n, true);
    at += 4;
  }
  return at;
}

const utf8 = new TextEncoder();

function writePart(b: Uint8Array, v: DataView, at: number, part: Uint8Array | undefined): number {
  b[at++] = part ? 1 : 0;
  if (!part) return at;
  at = writeVarInt(b, v, at, part.length);
  b.set(part, at);
  return at + part.length;
}

/** The bytes of the `Delta` schema, written in one pass into one buffer. */
export function encodeDelta(d: Delta): Uint8Array {
  // The ledger's keys are ASCII (hex, heights, names): written char by char into the buffer.
  // A key with any other character sends the whole delta the general way.
  return writeDelta(d, null) ?? writeDelta(d, d.changes.map((c) => utf8.encode(c.key)))!;
}

/** Keys from `keys` (their UTF-8), or with `keys` null char by char: null if one is not ASCII. */
function writeDelta(d: Delta, keys: Uint8Array[] | null): Uint8Array | null {
  const keyLength = (i: number) => (keys ? keys[i].length : d.changes[i].key.length);
  let size = 4 + 32 + varIntSize(d.changes.length);
  d.changes.forEach((c, i) => {
    size += 1 + varIntSize(keyLength(i)) + keyLength(i) + 2;
    if (c.before) size += varIntSize(c.before.length) + c.before.length;
    if (c.after) size += varIntSize(c.after.length) + c.after.length;
  });
  const b = new Uint8Array(size);
  const v = view(b);
  v.setUint32(0, d.height, true);
  b.set(d.blockHash, 4);
  let at = writeVarInt(b, v, 36, d.changes.length);
  for (let i = 0; i < d.changes.length; i++) {
    const c = d.changes[i];
    b[at++] = c.table;
    at = writeVarInt(b, v, at, keyLength(i));
    if (keys) {
      b.set(keys[i], at);
      at += keys[i].length;
    } else {
      const key = c.key;
      for (let j = 0; j < key.length; j++) {
        const ch = key.charCodeAt(j);
        if (ch > 0x7f) return null;
        b[at++] = ch;
      }
    }
    at = writePart(b, v, at, c.before);
    at = writePart(b, v, at, c.after);
  }
  return b;
}

/**
 * A block's delta from its bytes: what `decodeStrict(Delta, ...)` gives (values are views into
 * `bytes`, as the schema's), read in one pass. Replaying deltas is how every chain opens and how
 * the wallet page follows its chain worker; the schema's general machinery took 9-20 ms per
 * delta of a 1,000-transfer block, this pass 2.2 ms (Node, warm). Anything it does not
 * expect (a key that is not ASCII, a var-int that is not minimal, a bound passed, a flag not 0 or
 * 1, bytes left over or missing) goes to the schema, which decodes it or throws its DecodeError.
 */
export function decodeDelta(bytes: Uint8Array): Delta {
  return readDelta(bytes) ?? decodeStrict(Delta, bytes, 'Delta');
}

/** A minimal var-int at `at` as [value, next position], or null (not minimal, above `max`, cut). */
function readVarInt(b: Uint8Array, at: number, max: number): [number, number] | null {
  if (at >= b.length) return null;
  const first = b[at];
  let n: number;
  let next: number;
  if (first < 0xfd) [n, next] = [first, at + 1];
  else if (first === 0xfd) {
    if (at + 3 > b.length) return null;
    n = b[at + 1] | (b[at + 2] << 8);
    if (n < 0xfd) return null;
    next = at + 3;
  } else if (first === 0xfe) {
    if (at + 5 > b.length) return null;
    n = (b[at + 1] | (b[at + 2] << 8) | (b[at + 3] << 16)) + b[at + 4] * 0x1000000;
    if (n <= 0xffff) return null;
    next = at + 5;
  } else return null; // 0xff: beyond every bound here
  return n > max ? null : [n, next];
}

/** An optional value (flag byte 0 or 1, then var-bytes of at most 1 MiB) as [value, next], or null. */
function readPart(b: Uint8Array, at: number): [Uint8Array | undefined, number] | null {
  if (at >= b.length) return null;
  const flag = b[at];
  if (flag === 0) return [undefined, at + 1];
  if (flag !== 1) return null;
  const len = readVarInt(b, at + 1, 1 << 20);
  if (!len || len[1] + len[0] > b.length) return null;
  return [b.subarray(len[1], len[1] + len[0]), len[1] + len[0]];
}

function readDelta(b: Uint8Array): Delta | null {
  if (!(b instanceof Uint8Array) || b.length < 37) return null;
  const height = (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 0x1000000;
  const blockHash = b.subarray(4, 36);
  const n = readVarInt(b, 36, 1 << 24);
  if (!n) return null;
  let at = n[1];
  const changes: Delta['changes'] = [];
  for (let i = 0; i < n[0]; i++) {
    if (at >= b.length) return null;
    const table = b[at++];
    const keyLength = readVarInt(b, at, 256);
    if (!keyLength || keyLength[1] + keyLength[0] > b.length) return null;
    at = keyLength[1];
    const end = at + keyLength[0];
    for (let j = at; j < end; j++) if (b[j] > 0x7f) return null; // UTF-8 beyond ASCII: the schema decodes (and checks) it
    const key = String.fromCharCode.apply(null, b.subarray(at, end) as unknown as number[]);
    at = end;
    const before = readPart(b, at);
    if (!before) return null;
    const after = readPart(b, before[1]);
    if (!after) return null;
    at = after[1];
    changes.push({ table, key, before: before[0], after: after[0] });
  }
  return at === b.length ? { height, blockHash, changes } : null;
}

/** One table entry of a snapshot, as `SnapshotEntry` holds it. */
export interface SnapshotItem {
  readonly table: number;
  readonly key: string;
  readonly value: Uint8Array;
}

/**
 * The bytes of the `SnapshotChunk` schema, written in one pass as `encodeDelta` writes a delta:
 * a snapshot is the whole state, encoded while the page waits (measured: a quarter of a second
 * per snapshot of a 2,000-block chain through the generic coder, most of it in UTF-8 encoding
 * of the keys). Entries outside the schema's bounds go through the schema, for its error.
 */
export function encodeSnapshotChunk(items: readonly SnapshotItem[]): Uint8Array {
  const general = () => SnapshotChunk.encode([...items]);
  let size = varIntSize(items.length);
  for (const e of items) {
    if (e.key.length > 256 || e.value.length > 1 << 20) return general();
    size += 1 + varIntSize(e.key.length) + e.key.length + varIntSize(e.value.length) + e.value.length;
  }
  if (items.length > 1 << 24) return general();
  const b = new Uint8Array(size);
  const v = view(b);
  let at = writeVarInt(b, v, 0, items.length);
  for (const e of items) {
    b[at++] = e.table;
    at = writeVarInt(b, v, at, e.key.length);
    const key = e.key;
    for (let j = 0; j < key.length; j++) {
      const ch = key.charCodeAt(j);
      if (ch > 0x7f) return general(); // not ASCII: UTF-8 lengths differ
      b[at++] = ch;
    }
    at = writeVarInt(b, v, at, e.value.length);
    b.set(e.value, at);
    at += e.value.length;
  }
  return b;
}
