/** Keys of the ledger's tables. Hashes are hex of their raw bytes (not the reversed display form). */
import { bytesToHex } from '../encoding/bytes.ts';

/** Key of an output: defined with the transactions that spend outputs. */
export { outpointKey } from '../tx/transaction.ts';

/** Key of a height, sorted as text in numeric order. */
export function heightKey(height: number): string {
  return height.toString(16).padStart(8, '0');
}

/** Account and asset (hex) of a table record, computed once per record object. */
const recordHex = new WeakMap<object, { account: string; asset: string }>();

/** The account and asset hex of an output record (cached by the record's identity). */
export function outputHex(u: { scriptHash: Uint8Array; assetId: Uint8Array }): { account: string; asset: string } {
  let h = recordHex.get(u);
  if (!h) recordHex.set(u, (h = { account: bytesToHex(u.scriptHash), asset: bytesToHex(u.assetId) }));
  return h;
}

/** Tells the cache the hex of a record it is about to see (the caller computed them already). */
export function rememberOutputHex(u: object, account: string, asset: string): void {
  recordHex.set(u, { account, asset });
}
