/**
 * Wire primitives of docs/protocol.md ("Numbers are little-endian ..."): var-int in its shortest
 * form, bounded counts, var-bytes, var-string, Fixed8, UInt160/UInt256, declared as micro-packed
 * coders so that every structure above is a schema of these.
 */
import * as P from 'micro-packed';
import { bytesToHex, hexToBytes, reverseBytes } from './bytes.ts';
import { DecodeError } from './errors.ts';

const U64_MAX = (1n << 64n) - 1n;

/** var-int: 1 byte below 0xFD, else 0xFD+u16, 0xFE+u32, 0xFF+u64; a longer form than needed is an error. */
export const VarInt: P.CoderType<bigint> = P.wrap({
  encodeStream(w, value: bigint) {
    if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) throw w.err(`var-int out of range: ${value}`);
    if (value < 0xfdn) w.byte(Number(value));
    else if (value <= 0xffffn) {
      w.byte(0xfd);
      P.U16LE.encodeStream(w, Number(value));
    } else if (value <= 0xffffffffn) {
      w.byte(0xfe);
      P.U32LE.encodeStream(w, Number(value));
    } else {
      w.byte(0xff);
      P.U64LE.encodeStream(w, value);
    }
  },
  decodeStream(r): bigint {
    const first = r.byte();
    if (first < 0xfd) return BigInt(first);
    let value: bigint;
    let min: bigint;
    if (first === 0xfd) [value, min] = [BigInt(P.U16LE.decodeStream(r)), 0xfdn];
    else if (first === 0xfe) [value, min] = [BigInt(P.U32LE.decodeStream(r)), 0x10000n];
    else [value, min] = [P.U64LE.decodeStream(r), 0x100000000n];
    if (value < min) throw r.err(`var-int ${value} not in its shortest form`);
    return value;
  },
});

/** Bytes `VarInt` takes for `n`: what a hand-written encoder sizes its buffer with. */
export function varIntSize(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/**
 * A var-int count or length with an upper bound checked before anything is allocated, so a
 * forged length can never make a decoder allocate or loop beyond what the protocol allows.
 */
export function count(max: number): P.CoderType<number> {
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`bad bound ${max}`);
  return P.wrap({
    encodeStream(w, n: number) {
      if (!Number.isSafeInteger(n) || n < 0 || n > max) throw w.err(`count ${n} outside 0..${max}`);
      VarInt.encodeStream(w, BigInt(n));
    },
    decodeStream(r): number {
      const n = VarInt.decodeStream(r);
      if (n > BigInt(max)) throw r.err(`count ${n} above the bound ${max}`);
      return Number(n);
    },
  });
}

/** var-bytes with at most `max` bytes. */
export const varBytes = (max: number): P.CoderType<Uint8Array> => P.bytes(count(max));

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** var-string: var-bytes of UTF-8, at most `max` bytes; invalid UTF-8 is a decode error. */
export const varString = (max: number): P.CoderType<string> =>
  P.apply(varBytes(max), {
    encode(bytes: Uint8Array): string {
      try {
        return strictUtf8.decode(bytes);
      } catch {
        throw new Error('var-string is not valid UTF-8');
      }
    },
    decode(s: string): Uint8Array {
      if (typeof s !== 'string') throw new TypeError('string expected');
      return utf8Encoder.encode(s);
    },
  });

/** An array of at most `max` items behind a var-int count. */
export const varArray = <T>(max: number, inner: P.CoderType<T>): P.CoderType<T[]> => P.array(count(max), inner);

/** Fixed8: signed int64 holding value x 10^8, kept as a bigint of units. */
export const Fixed8: P.CoderType<bigint> = P.I64LE;

/** UInt160 (script hashes): 20 raw bytes on the wire. */
export const UInt160: P.CoderType<Uint8Array> = P.bytes(20);
/** UInt256 (transaction, block and asset ids): 32 raw bytes on the wire. */
export const UInt256: P.CoderType<Uint8Array> = P.bytes(32);

/** Display form of a UInt160/UInt256: hex of the bytes reversed, as the C# implementation shows them. */
export function uintToString(raw: Uint8Array): string {
  return bytesToHex(reverseBytes(raw));
}

/** Parses the display form (reversed hex, optional 0x) of a UInt of `size` bytes. */
export function uintFromString(display: string, size: 20 | 32): Uint8Array {
  const b = hexToBytes(display);
  if (b.length !== size) throw new RangeError(`expected ${size * 2} hex digits, got ${b.length * 2}`);
  return reverseBytes(b);
}

/** Order of UInt160/UInt256 values: compared from the last byte down, so it equals the order of their display hex. */
export function compareUint(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError('comparing UInts of different sizes');
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Units per whole coin of a Fixed8. */
export const FIXED8_ONE = 100_000_000n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Formats Fixed8 units as a decimal string without trailing zeros ("1.5", "-0.00000001", "100"). */
export function formatFixed8(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const whole = abs / FIXED8_ONE;
  const frac = (abs % FIXED8_ONE).toString().padStart(8, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}

/** Parses a decimal string ("12", "0.5", "-0.00000001") to Fixed8 units; RangeError on anything else. */
export function parseFixed8(text: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,8}))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal amount with at most 8 decimals: "${text}"`);
  const units = BigInt(m[2]) * FIXED8_ONE + BigInt((m[3] ?? '').padEnd(8, '0'));
  const value = m[1] ? -units : units;
  if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`amount out of the Fixed8 range: "${text}"`);
  return value;
}

/**
 * Decodes `bytes` as one whole `coder` value: trailing bytes, truncation and every bound are
 * errors, all raised as {@link DecodeError} with the field path that micro-packed reports.
 */
export function decodeStrict<T>(coder: P.CoderType<T>, bytes: Uint8Array, what: string): T {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what}: Uint8Array expected`);
  try {
    return coder.decode(bytes);
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(what, e instanceof Error ? e.message : String(e), { cause: e });
  }
}
