/** Byte helpers shared by every layer: hex, concatenation, comparison. */
import { bytesToHex as nobleBytesToHex, concatBytes, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';

export { concatBytes };

type Hex = (bytes: Uint8Array) => string;
const nativeToHex = (Uint8Array.prototype as { toHex?: (this: Uint8Array) => string }).toHex;
const NodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'hex'): string } } }).Buffer;

/**
 * Lowercase hex of bytes, with the runtime's own conversion where it has one (Chromium's
 * `Uint8Array.prototype.toHex`, Node's Buffer), noble's otherwise. The ledger makes a dozen of
 * these per transaction for its map keys; noble's builds the string a character pair at a time,
 * about 1 KB of garbage for 32 bytes (V8 heap sampling of a sync), and is 2-4 times slower.
 */
export const bytesToHex: Hex = nativeToHex
  ? (bytes) => nativeToHex.call(bytes)
  : NodeBuffer
    ? (bytes) => {
      if (!(bytes instanceof Uint8Array)) throw new TypeError('Uint8Array expected');
      return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
    }
    : nobleBytesToHex;

/** Hex (even length, 0-9a-f either case, optional 0x) to bytes; RangeError names the problem. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError('hex string expected');
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0) throw new RangeError(`hex of odd length ${h.length}`);
  if (!/^[0-9a-fA-F]*$/.test(h)) throw new RangeError('hex has a character outside 0-9a-f');
  return nobleHexToBytes(h);
}

/** Byte-wise equality (not constant time: use it for public data only). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order of two byte strings, shorter first on a common prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** A reversed copy. */
export function reverseBytes(b: Uint8Array): Uint8Array {
  return Uint8Array.from(b).reverse();
}
