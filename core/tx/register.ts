/**
 * RegisterTransaction (0x40, whitepaper 4.1.1): creates an asset. It pays the service fee (the
 * ledger checks it) and the issuer signs.
 */
import * as P from 'micro-packed';
import { ECPoint } from '../crypto/keys.ts';
import { Fixed8, UInt160, formatFixed8, varString } from '../encoding/primitives.ts';
import type { Transaction } from './transaction.ts';
import { txError } from './errors.ts';
import { MAX_ASSET_NAME } from './limits.ts';

/**
 * Asset types (docs/protocol.md): Currency transfers need no receiver signature; Share (equity,
 * precision 0) needs the receiver's and the admin's; Invoice (debt) needs the receiver's.
 */
export const ASSET_TYPES = { AntShare: 0x00, AntCoin: 0x01, Currency: 0x08, Token: 0x60, Share: 0x90, Invoice: 0x98 } as const;
export type KnownAssetType = keyof typeof ASSET_TYPES;
/** A named type, or any other byte as the reference reads it (`0x40`): decoded, never registered here. */
export type AssetType = KnownAssetType | `0x${string}`;

const TYPE_NAMES = new Map<number, KnownAssetType>(Object.entries(ASSET_TYPES).map(([k, v]) => [v, k as KnownAssetType]));

/** True for the six types this protocol gives rules to. */
export function isKnownAssetType(t: AssetType): t is KnownAssetType {
  return t in ASSET_TYPES;
}

/**
 * The asset type byte. The reference reads any byte here (an enum cast), so a transaction it
 * reads decodes here too and hashes the same; a byte other than the six is shown as `0x..` and
 * the ledger refuses to register it (ASSET_TYPE_UNKNOWN: no rule of this protocol says who must
 * sign its transfers).
 */
export const AssetType: P.CoderType<AssetType> = P.wrap({
  encodeStream(w, t: AssetType) {
    const byte = isKnownAssetType(t) ? ASSET_TYPES[t] : /^0x[0-9a-f]{2}$/.test(t) ? parseInt(t.slice(2), 16) : -1;
    if (byte < 0) throw w.err(`asset type ${t}`);
    w.byte(byte);
  },
  decodeStream(r): AssetType {
    const byte = r.byte();
    return TYPE_NAMES.get(byte) ?? `0x${byte.toString(16).padStart(2, '0')}`;
  },
});

/** Amount meaning "no cap": -0.00000001. */
export const UNLIMITED_AMOUNT = -1n;
/** Most decimals of an asset. */
export const MAX_PRECISION = 8;

export const RegisterTransactionData = P.struct({
  version: P.U8,
  assetType: AssetType,
  name: varString(MAX_ASSET_NAME),
  amount: Fixed8,
  precision: P.validate(P.U8, (p) => {
    if (p > MAX_PRECISION) throw new Error(`precision ${p} above ${MAX_PRECISION}`);
    return p;
  }),
  issuer: ECPoint,
  admin: UInt160,
});

/** The smallest unit of an asset of `precision` decimals, in Fixed8 units: 10^(8 - precision). */
export function precisionUnit(precision: number): bigint {
  return 10n ** BigInt(MAX_PRECISION - precision);
}

/** Amount > 0 or unlimited and a whole number of units; Share assets indivisible; a non-empty name. */
export function checkRegisterTransaction(tx: Extract<Transaction, { type: 'RegisterTransaction' }>): void {
  if (tx.name.trim() === '') throw txError('TX_ASSET_NAME_INVALID', 'an asset needs a name');
  if (tx.assetType === 'Share' && tx.precision !== 0) {
    throw txError('TX_ASSET_PRECISION_INVALID', 'Share assets are indivisible (precision 0)', { precision: tx.precision });
  }
  if (tx.amount !== UNLIMITED_AMOUNT && (tx.amount <= 0n || tx.amount % precisionUnit(tx.precision) !== 0n)) {
    throw txError('TX_ASSET_AMOUNT_INVALID', 'the total must be positive (or -0.00000001 for no cap) and a whole number of units', {
      amount: formatFixed8(tx.amount),
      precision: tx.precision,
    });
  }
}
