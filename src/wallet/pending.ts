/**
 * Transactions this wallet sent that no block holds yet, kept in localStorage so that a reload, a
 * crash or a second tab still shows them (and still keeps their outputs from being spent twice).
 * Each keeps its signed bytes: one that was dropped (no peer kept it) can be sent again as it is.
 */
import { create } from 'zustand';
import { bytesToHex, hexToBytes } from '../../core/encoding/bytes.ts';
import { allInputs, decodeTransaction, outpointKey } from '../../core/tx/transaction.ts';

export interface Pending {
  /** The transaction's hash (hex of its bytes as hashed). */
  readonly hash: string;
  /** The signed transaction (hex). */
  readonly tx: string;
  /** The sending account's address. */
  readonly address: string;
  /** When it was (last) sent, ms since 1970. */
  readonly at: number;
}

const KEY = 'pending-transactions';
/** Most kept: a wallet with more waiting has a bigger problem than this list. */
const MAX_KEPT = 200;

function load(): Pending[] {
  try {
    const list: unknown = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '[]');
    if (!Array.isArray(list)) return [];
    return list.filter((p): p is Pending => typeof p?.hash === 'string' && typeof p.tx === 'string' && typeof p.address === 'string' && typeof p.at === 'number' && /^[0-9a-f]*$/.test(p.tx));
  } catch {
    return []; // an unreadable list is only a reminder: start again
  }
}

export const usePending = create<{ items: Pending[] }>(() => ({ items: load() }));

/** Outputs our own transactions spend while they wait for a block: not offered again (derived from the list). */
export const pendingSpends = new Set<string>();

function refreshSpends(items: readonly Pending[]): void {
  pendingSpends.clear();
  for (const p of items) {
    try {
      for (const i of allInputs(decodeTransaction(hexToBytes(p.tx)))) pendingSpends.add(outpointKey(i.prevHash, i.prevIndex));
    } catch {
      // not a transaction: it spends nothing we know of
    }
  }
}
refreshSpends(usePending.getState().items);
usePending.subscribe((s) => refreshSpends(s.items));

function save(items: Pending[]): void {
  const kept = items.slice(-MAX_KEPT);
  globalThis.localStorage?.setItem(KEY, JSON.stringify(kept));
  usePending.setState({ items: kept });
}

// Another tab sent or settled one: follow it.
globalThis.addEventListener?.('storage', (e: StorageEvent) => {
  if (e.key === KEY) usePending.setState({ items: load() });
});

/** Notes a transaction just sent (again). */
export function addPending(hash: Uint8Array, tx: Uint8Array, address: string): void {
  const h = bytesToHex(hash);
  save([...load().filter((p) => p.hash !== h), { hash: h, tx: bytesToHex(tx), address, at: Date.now() }]);
}

/** Forgets one: final, or given up by the user. */
export function removePending(hash: string): void {
  const items = load();
  if (items.some((p) => p.hash === hash)) save(items.filter((p) => p.hash !== hash));
}
