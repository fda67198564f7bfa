/**
 * Merkle root (docs/protocol.md, "Blocks"): hash256(left || right) of the raw 32-byte hashes,
 * an odd last node paired with itself; one transaction's root is its hash.
 */
import { hash256Pair } from '../crypto/hash.ts';

/** The merkle root of transaction hashes (raw bytes); RangeError for an empty list. */
export function merkleRoot(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) throw new RangeError('a merkle tree needs at least one hash');
  let level = hashes.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i];
      const right = i + 1 < level.length ? level[i + 1] : left;
      next.push(hash256Pair(left, right));
    }
    level = next;
  }
  return level[0];
}
