/** Keys of the ledger's tables. Hashes are hex of their raw bytes (not the reversed display form). */
import { bytesToHex } from '../encoding/bytes.ts';

/** Key of the output `index` of transaction `hash`. */
export function outpointKey(hash: Uint8Array, index: number): string {
  return `${bytesToHex(hash)}:${index}`;
}

/** Key of a height, sorted as text in numeric order. */
export function heightKey(height: number): string {
  return height.toString(16).padStart(8, '0');
}
