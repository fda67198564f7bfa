/** The protocol's hashes (docs/protocol.md, "Primitives"). */
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';

export { sha256 };

// hash256 runs for every transaction and merkle node of every block: one hasher, reset from a
// pristine one (noble's `_cloneInto`) instead of two new hashers per call. Measured with
// noble's own sha256 as the reference: 4.4 -> 3.2 µs for 250 bytes, 3.6 -> 2.2 µs for 64.
// Synchronous from reset to digest, so no other call can interleave.
const pristine = sha256.create();
const hasher = sha256.create();
const middle = new Uint8Array(32);

/** hash256(x) = SHA-256(SHA-256(x)): transaction, block and checksum hashes. */
export function hash256(data: Uint8Array): Uint8Array {
  return hash256Pair(data, undefined);
}

/** hash256(a || b) without making a || b: merkle nodes, the block order's keys. */
export function hash256Pair(a: Uint8Array, b: Uint8Array | undefined): Uint8Array {
  pristine._cloneInto(hasher);
  hasher.update(a);
  if (b) hasher.update(b);
  hasher.digestInto(middle);
  pristine._cloneInto(hasher);
  hasher.update(middle);
  const out = new Uint8Array(32);
  hasher.digestInto(out);
  return out;
}

/** hash160(x) = RIPEMD-160(SHA-256(x)): script hashes. */
export function hash160(data: Uint8Array): Uint8Array {
  return ripemd160(sha256(data));
}
