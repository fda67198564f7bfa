/**
 * Asset identity: what a wallet shows for an asset. Anyone may register an asset under any name
 * (a Token named "AntCoin" costs the registration fee) and issue it to anyone, so a name is data
 * from the chain, never proof of identity:
 * - `readAssetName` turns any name field into a short printable string (a RegisterTransaction's
 *   name is whatever bytes its author chose: a JSON name list, plain text, or neither);
 * - the native assets are known by their ids, not their names (`isNative`);
 * - `nameKey` folds the tricks that make two names look alike (case, width, spaces, Cyrillic and
 *   Greek letters drawn like Latin ones), so that look-alikes are found (`lookAlikes`) and an asset
 *   that borrows a native asset's name is marked (`imitatesNative`).
 */
import { bytesToHex, hexToBytes } from '../encoding/bytes.ts';
import { uintToString } from '../encoding/primitives.ts';
import { ANTCOIN_ID, ANTCOIN_REGISTER, ANTSHARE_ID, ANTSHARE_REGISTER } from '../block/genesis.ts';

/** The most characters of a name shown; longer ones end in "…". */
export const NAME_MAX = 40;

/** Characters never shown: controls, format characters (bidirectional overrides, zero-width joiners and spaces), private use, unassigned, lone surrogates. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/gu;

/** Trims, drops hidden characters, folds runs of white space to one space, bounds the length. */
export function cleanText(text: string, max = NAME_MAX): string {
  // Bounded first: nothing below runs over more than a few times the characters it may keep.
  const head = text.length > max * 8 ? text.slice(0, max * 8) : text;
  const clean = head.replace(/\s/gu, ' ').replace(HIDDEN, '').replace(/ +/gu, ' ').trim();
  const points = Array.from(clean);
  if (points.length <= max && head.length === text.length) return clean;
  if (points.length <= max) return `${clean}…`;
  return `${points.slice(0, max - 1).join('').trimEnd()}…`;
}

function langMatches(tag: string, lang: 'zh' | 'en'): boolean {
  return tag.toLowerCase().startsWith(lang);
}

/**
 * The name to show for a registration's name field, in `lang` when its name list has one: a
 * JSON list of {lang, name} (the reference's form) or plain text. Entries that are not strings
 * are skipped; nothing that can be parsed from the field makes this throw. '' when nothing
 * printable is left (show the asset's id instead).
 */
export function readAssetName(field: unknown, lang: 'zh' | 'en'): string {
  if (typeof field !== 'string') return '';
  const trimmed = field.trim();
  if (trimmed.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(trimmed);
    } catch {
      list = undefined;
    }
    if (Array.isArray(list)) {
      const named = list.filter((e): e is { lang?: unknown; name: string } => typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string');
      const pick = named.find((e) => typeof e.lang === 'string' && langMatches(e.lang, lang) && cleanText(e.name) !== '')
        ?? named.find((e) => cleanText(e.name) !== '');
      return pick ? cleanText(pick.name) : '';
    }
  }
  return cleanText(field);
}

/** Letters of other scripts drawn like Latin ones (Unicode's confusables, the common ones). */
const CONFUSABLE: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y', ζ: 'z', μ: 'u',
  ı: 'i', ł: 'l', ø: 'o', '0': 'o', '1': 'l', '|': 'l', '5': 's',
};

/**
 * The form two names are compared in: compatibility forms folded (full-width letters, ligatures),
 * lower case, accents dropped, look-alike letters of other scripts and digits read as the Latin
 * letters they imitate, spaces and punctuation gone. "АntСoin", "ANT COIN" and "Ant-C0in" all
 * fold to "antcoin".
 */
export function nameKey(name: string): string {
  const folded = name.normalize('NFKD').toLowerCase().replace(/\p{M}/gu, '');
  let out = '';
  for (const ch of folded) {
    const c = CONFUSABLE[ch] ?? ch;
    if (/[\p{L}\p{N}]/u.test(c)) out += c;
  }
  return out;
}

/** Whether `assetId` (raw bytes as hex) is one of the two native assets, known by id. */
export function isNative(assetHex: string): boolean {
  return assetHex === bytesToHex(ANTSHARE_ID) || assetHex === bytesToHex(ANTCOIN_ID);
}

const NATIVE_NAMES = [ANTSHARE_REGISTER, ANTCOIN_REGISTER].map((r) => (r as { name: string }).name);
const NATIVE_KEYS = new Set((['zh', 'en'] as const).flatMap((lang) => NATIVE_NAMES.map((n) => nameKey(readAssetName(n, lang)))));

/** Whether an asset that is not native is named (in any of its languages) like a native one. */
export function imitatesNative(assetHex: string, field: unknown): boolean {
  if (isNative(assetHex)) return false;
  return (['zh', 'en'] as const).some((lang) => {
    const key = nameKey(readAssetName(field, lang));
    return key !== '' && NATIVE_KEYS.has(key);
  });
}

/** The short id shown beside a name: the first 8 digits of the id as the reference prints it. */
export function shortAssetId(assetHex: string): string {
  return uintToString(hexToBytes(assetHex)).slice(0, 8);
}

/** Of assets shown together (id hex and name as shown), the ids of those whose names look alike. */
export function lookAlikes(assets: readonly { hex: string; name: string }[]): Set<string> {
  const byKey = new Map<string, string[]>();
  for (const a of assets) {
    const key = nameKey(a.name);
    if (key === '') continue;
    byKey.set(key, [...(byKey.get(key) ?? []), a.hex]);
  }
  const out = new Set<string>();
  for (const ids of byKey.values()) if (ids.length > 1) for (const id of ids) out.add(id);
  return out;
}
