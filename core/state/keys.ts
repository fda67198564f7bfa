/** Keys of the ledger's tables. Hashes are hex of their raw bytes (not the reversed display form). */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';

/** Key of an output: defined with the transactions that spend outputs. */
export { outpointKey } from '../tx/transaction.ts';

/** Key of a height, sorted as text in numeric order. */
export function heightKey(height: number): string {
  return height.toString(16).padStart(8, '0');
}

/**
 * Hex of an asset id. A chain's few assets come back in nearly every output, so the strings of
 * the first few seen are reused: no new string to build, and one whose hash the maps know.
 */
const knownAssets: { id: Uint8Array; hex: string }[] = [];
export function assetHex(assetId: Uint8Array): string {
  for (const a of knownAssets) if (equalBytes(a.id, assetId)) return a.hex;
  const hex = bytesToHex(assetId);
  if (knownAssets.length < 8) knownAssets.push({ id: assetId.slice(), hex });
  return hex;
}
