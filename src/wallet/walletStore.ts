/**
 * The wallet's accounts in IndexedDB (sealed keys only: see core/wallet/account.ts) and the
 * session in memory: which account is open and its query key, forgotten on lock, on auto-lock
 * after a few idle minutes, and when the page goes away. The pay key is never kept: each
 * signature opens it with the pay password and wipes it.
 */
import { create } from 'zustand';
import { openDB, type IDBPDatabase } from 'idb';
import type { AccountRecord } from '../../core/wallet/account.ts';
import { openQueryKey } from '../../core/wallet/account.ts';

const AUTO_LOCK_MS = 10 * 60 * 1000;

let db: Promise<IDBPDatabase> | undefined;
function wallet(): Promise<IDBPDatabase> {
  return (db ??= openDB('antshares-wallet', 1, {
    upgrade(d) {
      d.createObjectStore('accounts', { keyPath: 'address' });
    },
  }));
}

export interface WalletState {
  readonly loaded: boolean;
  readonly accounts: AccountRecord[];
  /** The open account's address, and its query key while unlocked. */
  readonly current?: string;
  readonly queryKey?: Uint8Array;
  /** Whether the browser keeps our storage when space runs low (asked once a wallet exists). */
  readonly persisted?: boolean;
}

export const useWallet = create<WalletState>(() => ({ loaded: false, accounts: [] }));

export async function loadAccounts(): Promise<void> {
  const accounts = ((await (await wallet()).getAll('accounts')) as AccountRecord[]).sort((a, b) => a.created - b.created);
  useWallet.setState({ loaded: true, accounts, current: useWallet.getState().current ?? accounts[0]?.address });
}

/** Saves a new or changed account (one IndexedDB transaction) and asks for persistent storage. */
export async function saveAccount(record: AccountRecord): Promise<void> {
  await (await wallet()).put('accounts', record);
  const persisted = await navigator.storage?.persist?.().catch(() => false);
  await loadAccounts();
  useWallet.setState({ persisted });
}

let idle: ReturnType<typeof setTimeout> | undefined;
function touch(): void {
  clearTimeout(idle);
  if (useWallet.getState().queryKey) idle = setTimeout(lock, AUTO_LOCK_MS);
}
for (const ev of ['pointerdown', 'keydown'] as const) globalThis.addEventListener?.(ev, touch, { passive: true });
globalThis.addEventListener?.('pagehide', () => lock());

/** Opens `address` with its query password (WALLET_WRONG_PASSWORD otherwise). */
export async function unlock(address: string, queryPassword: string): Promise<void> {
  const record = useWallet.getState().accounts.find((a) => a.address === address);
  if (!record) throw new Error('no such account');
  const queryKey = await openQueryKey(record, queryPassword);
  lock();
  useWallet.setState({ current: address, queryKey });
  touch();
}

/** Forgets the query key. */
export function lock(): void {
  useWallet.getState().queryKey?.fill(0);
  useWallet.setState({ queryKey: undefined });
  clearTimeout(idle);
}

export function currentAccount(): AccountRecord | undefined {
  const s = useWallet.getState();
  return s.accounts.find((a) => a.address === s.current);
}
