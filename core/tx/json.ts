/**
 * JSON views of transactions for display and the command line: hashes in their reversed display
 * hex, script hashes with their address, Fixed8 values as decimal strings, bytes as hex.
 */
import { bytesToHex } from '../encoding/bytes.ts';
import { formatFixed8, uintToString } from '../encoding/primitives.ts';
import { AddressVersion, addressFromScriptHash } from '../script/accounts.ts';
import { attributeUsageName } from './attribute.ts';
import { encodeTransaction, transactionHash, type Transaction } from './transaction.ts';

/** A JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const UINT256_FIELDS = new Set(['prevHash', 'assetId', 'valueAssetId', 'enrollments']);
const UINT160_FIELDS = new Set(['scriptHash', 'admin', 'agent', 'client', 'nextMiner']);
const FIXED8_FIELDS = new Set(['value', 'amount', 'price']);

/** Converts decoded protocol values to JSON by field name (see the module comment). */
export function toJsonView(value: unknown, key = '', addressVersion: number = AddressVersion.secp256r1): Json {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map((v) => toJsonView(v, key, addressVersion));
  if (value instanceof Uint8Array) {
    if (UINT256_FIELDS.has(key) && value.length === 32) return uintToString(value);
    if (UINT160_FIELDS.has(key) && value.length === 20) return { hash: uintToString(value), address: addressFromScriptHash(value, addressVersion) };
    return bytesToHex(value);
  }
  if (typeof value === 'bigint') return FIXED8_FIELDS.has(key) ? formatFixed8(value) : value.toString();
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonView(v, k, addressVersion);
    return out;
  }
  return value as Json;
}

/** JSON of a transaction: its hash and size, then every field. */
export function transactionToJson(tx: Transaction, addressVersion: number = AddressVersion.secp256r1): { [key: string]: Json } {
  const { attributes, ...rest } = tx;
  const fields = toJsonView(rest, '', addressVersion) as { [key: string]: Json };
  return {
    hash: uintToString(transactionHash(tx)),
    size: encodeTransaction(tx).length,
    ...fields,
    attributes: attributes.map((a) => ({ usage: attributeUsageName(a.usage), data: bytesToHex(a.data) })),
  };
}
