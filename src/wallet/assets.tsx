/**
 * How the app names an asset everywhere (core/wallet/asset-names.ts has the rules): the native
 * assets marked as such, known by their ids; every other asset with its short id beside its name,
 * a warning when it borrows a native asset's name or looks like another asset on the same screen;
 * and the assets this account did not ask for kept apart until it accepts them.
 */
import { useMemo, useSyncExternalStore } from 'react';
import { bytesToHex, equalBytes } from '../../core/encoding/bytes.ts';
import { imitatesNative, isNative, lookAlikes, readAssetName, shortAssetId } from '../../core/wallet/asset-names.ts';
import { accountScriptHash, type AccountRecord } from '../../core/wallet/index.ts';
import { currentNode, usePeer } from '../peer/browserNode.ts';
import { useLang, useT } from '../i18n.ts';

export interface AssetInfo {
  readonly hex: string;
  /** The name as shown ('' when the chain's name has nothing printable). */
  readonly name: string;
  readonly native: boolean;
  /** The first 8 digits of its id, as the reference prints ids. */
  readonly shortId: string;
  /** Not native, but named like a native asset. */
  readonly imitation: boolean;
  /** The account that administers it (its script hash, raw hex). */
  readonly admin: string;
}

/** What the app shows of an asset, from the ledger this page validated. */
export function assetInfo(hex: string, lang: 'zh' | 'en'): AssetInfo {
  const record = currentNode()?.chain.ledger.assets.get(hex);
  const name = record ? readAssetName(record.name, lang) : '';
  return { hex, name, native: isNative(hex), shortId: shortAssetId(hex), imitation: record ? imitatesNative(hex, record.name) : false, admin: record ? bytesToHex(record.admin) : '' };
}

/** `assetInfo` in the app's language, recomputed on each block. */
export function useAssetInfo(): (hex: string) => AssetInfo {
  const { lang } = useLang();
  const version = usePeer((s) => s.version);
  return useMemo(() => {
    const cache = new Map<string, AssetInfo>();
    return (hex: string) => {
      let info = cache.get(hex);
      if (!info) cache.set(hex, (info = assetInfo(hex, lang)));
      return info;
    };
  }, [lang, version]);
}

/** An asset as plain text (for a <select>'s options): "AntCoin" for a native asset, "Gold · #1a2b3c4d" for others, "⚠" for look-alikes. */
export function assetText(info: AssetInfo, noName: string, warn = false): string {
  const name = info.name || noName;
  return info.native ? name : `${name} · #${info.shortId}${info.imitation || warn ? ' ⚠' : ''}`;
}

/** An asset's name with its identity: marked native, or its short id and any warning. `alike`: other assets on the same screen look like it. */
export function AssetName({ info, alike = false }: { info: AssetInfo; alike?: boolean }) {
  const t = useT();
  return (
    <span className="asset-name" data-native={info.native || undefined} data-imitation={info.imitation || undefined}>
      <span className="name">{info.name || t.noAssetName}</span>
      {info.native
        ? <span className="badge native" title={t.nativeAssetHint}>{t.nativeAsset}</span>
        : <code className="asset-id" title={t.assetIdHint}>#{info.shortId}</code>}
      {info.imitation && <span className="badge warn" role="note">{t.imitatesNative}</span>}
      {!info.imitation && alike && <span className="badge warn" role="note">{t.sameNameAsAnother}</span>}
    </span>
  );
}

/**
 * Assets listed together (a balance table, a contract's asset list): each with its identity, its
 * text for an option, and whether another in the list looks like it; native first, then by name.
 */
export function listAssets<T extends { readonly hex: string }>(items: readonly T[], info: (hex: string) => AssetInfo, noName: string): (T & { info: AssetInfo; name: string; alike: boolean })[] {
  const withInfo = items.map((item) => ({ ...item, info: info(item.hex) }));
  const alike = lookAlikes(withInfo.map((a) => ({ hex: a.hex, name: a.info.name })));
  return withInfo.map((a) => ({ ...a, name: assetText(a.info, noName, alike.has(a.hex)), alike: alike.has(a.hex) }))
    .sort((a, b) => Number(b.info.native) - Number(a.info.native) || a.info.name.localeCompare(b.info.name) || a.hex.localeCompare(b.hex));
}

// Assets an account accepted (localStorage, per address): native ones and those it administers are accepted without asking.
const listeners = new Set<() => void>();
const KEY = (address: string) => `accepted-assets:${address}`;

function readAccepted(address: string): string[] {
  try {
    const list = JSON.parse(globalThis.localStorage?.getItem(KEY(address)) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The stored list as text: the same string while it is unchanged (useSyncExternalStore compares snapshots). */
function snapshot(address: string): string {
  return globalThis.localStorage?.getItem(KEY(address)) ?? '[]';
}

/** Marks assets as asked for by the account (accepting them, or taking them in a contract it signed). */
export function acceptAssets(address: string, hexes: readonly string[]): void {
  const list = new Set(readAccepted(address));
  const before = list.size;
  for (const h of hexes) list.add(h);
  if (list.size === before) return;
  localStorage.setItem(KEY(address), JSON.stringify([...list]));
  for (const l of listeners) l();
}

globalThis.addEventListener?.('storage', (e) => {
  if (e.key?.startsWith('accepted-assets:')) for (const l of listeners) l();
});

/** Whether the account asked for an asset: native, administered by it, or accepted. */
export function useRequested(account: AccountRecord): (hex: string) => boolean {
  const raw = useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, () => snapshot(account.address));
  return useMemo(() => {
    const accepted = new Set(readAccepted(account.address));
    const me = accountScriptHash(account);
    return (hex: string) => {
      if (isNative(hex) || accepted.has(hex)) return true;
      const record = currentNode()?.chain.ledger.assets.get(hex);
      return record !== undefined && equalBytes(record.admin, me);
    };
  }, [raw, account]); // raw: the stored list changed
}
