/**
 * Hand-written codecs for the hot paths of the store: the three fixed-layout tables that make
 * nearly every entry of a block's delta (outputs, transactions, history), and the delta itself.
 * They write the very bytes of the micro-packed schemas in tables.ts (which stay the definition),
 * property-tested equal, at a fraction of the cost: a block of 1,000 transfers changes about
 * 7,500 entries, and the schemas' general machinery cost more than all the ledger's rules.
 */
import { DecodeError } from '../encoding/errors.ts';
import { decodeStrict } from '../encoding/primitives.ts';
import type * as P from 'micro-packed';
import type { Delta, HistoryRecord, TxRecord, UtxoRecord } from './tables.ts';

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

function exact(b: Uint8Array, n: number, what: string): void {
  if (b.length !== n) throw new DecodeError(what, `${b.length} bytes, expected ${n}`);
}

/** UtxoRecord: assetId 32, value i64 LE, scriptHash 20, height u32 LE. */
export const utxoCodec: ValueCodec<UtxoRecord> = {
  encode(u) {
    const b = new Uint8Array(64);
    b.set(u.assetId, 0);
    view(b).setBigInt64(32, u.value, true);
    b.set(u.scriptHash, 40);
    view(b).setUint32(60, u.height, true);
    return b;
  },
  decode(b) {
    exact(b, 64, 'UtxoRecord');
    const v = view(b);
    return { assetId: b.slice(0, 32), value: v.getBigInt64(32, true), scriptHash: b.slice(40, 60), height: v.getUint32(60, true) };
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

function varIntSize(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
}

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
const asciiOnly = /^[\x20-\x7e]*$/;

function keyBytes(key: string): Uint8Array {
  if (!asciiOnly.test(key)) return utf8.encode(key);
  const b = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) b[i] = key.charCodeAt(i);
  return b;
}

/** The bytes of the `Delta` schema, written in one pass into one buffer. */
export function encodeDelta(d: Delta): Uint8Array {
  const keys = d.changes.map((c) => keyBytes(c.key));
  let size = 4 + 32 + varIntSize(d.changes.length);
  d.changes.forEach((c, i) => {
    size += 1 + varIntSize(keys[i].length) + keys[i].length + 2;
    if (c.before) size += varIntSize(c.before.length) + c.before.length;
    if (c.after) size += varIntSize(c.after.length) + c.after.length;
  });
  const b = new Uint8Array(size);
  const v = view(b);
  v.setUint32(0, d.height, true);
  b.set(d.blockHash, 4);
  let at = writeVarInt(b, v, 36, d.changes.length);
  d.changes.forEach((c, i) => {
    b[at++] = c.table;
    at = writeVarInt(b, v, at, keys[i].length);
    b.set(keys[i], at);
    at += keys[i].length;
    for (const part of [c.before, c.after]) {
      b[at++] = part ? 1 : 0;
      if (part) {
        at = writeVarInt(b, v, at, part.length);
        b.set(part, at);
        at += part.length;
      }
    }
  });
  return b;
}
