/** The protocol's hashes (docs/protocol.md, "Primitives"). */
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';

export { sha256 };

/** hash256(x) = SHA-256(SHA-256(x)): transaction, block and checksum hashes. */
export function hash256(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/** hash160(x) = RIPEMD-160(SHA-256(x)): script hashes. */
export function hash160(data: Uint8Array): Uint8Array {
  return ripemd160(sha256(data));
}
