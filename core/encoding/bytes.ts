/** Byte helpers shared by every layer: hex, concatenation, comparison. */
import { bytesToHex, concatBytes, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, concatBytes };

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
