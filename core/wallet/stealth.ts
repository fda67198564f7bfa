/**
 * Stealth addresses (whitepaper 2.3; ../shared/docs/wallet.md): the dual-key scheme on P-256.
 *
 * A meta-address publishes the query key V = vG and the pay key S = sG. A sender picks a fresh
 * r, puts R = rG in the transaction (attribute ECDH02 or ECDH03: the prefix byte of compressed R
 * picks the usage, the 32 bytes are its X), and computes Z = compressed(r·V). Its k-th output to
 * the recipient (k = 0, 1, …) goes to the 2-of-2 multisig of
 *   V' = V + c_q·G,  S' = S + c_p·G,  where c_q = H(Z ‖ k, "query"), c_p = H(Z ‖ k, "pay"),
 * H being RFC 9380 hash_to_field onto P-256's scalars (SHA-256, expand_message_xmd) with the
 * domain tags below, and k four bytes big-endian. Two tweaks, never one: with one, V' − S' would
 * equal V − S in every payment and link them all. The recipient needs v alone to find its outputs
 * (Z = v·R); spending needs v + c_q and s + c_p (mod n). The vectors in test/wallet.test.ts pin
 * these bytes.
 */
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { concatBytes, equalBytes } from '../encoding/bytes.ts';
import { DecodeError } from '../encoding/errors.ts';
import { base58CheckDecode, base58CheckEncode } from '../encoding/base58.ts';
import { decodePublicKey } from '../crypto/keys.ts';
import { dualKeyAccount, multiSigScript, scriptHash } from '../script/accounts.ts';
import { AttributeUsage, type TransactionAttribute } from '../tx/attribute.ts';
import type { Transaction } from '../tx/transaction.ts';

/** Version byte of a meta-address: Base58Check of it, V and S (67 bytes), unlike any address. */
export const META_ADDRESS_VERSION = 0x3f;
const DST = { query: 'ANTSHARES-WEB-V1-STEALTH-QUERY', pay: 'ANTSHARES-WEB-V1-STEALTH-PAY' } as const;
const N = p256.Point.CURVE().n;
const G = p256.Point.BASE;

export interface MetaAddress {
  /** V: the query public key (compressed). */
  readonly queryKey: Uint8Array;
  /** S: the pay public key (compressed). */
  readonly payKey: Uint8Array;
}

export function encodeMetaAddress(m: MetaAddress): string {
  return base58CheckEncode(concatBytes(Uint8Array.of(META_ADDRESS_VERSION), m.queryKey, m.payKey));
}

/** A meta-address string: DecodeError for a bad checksum, version, or key. */
export function decodeMetaAddress(text: string): MetaAddress {
  const b = base58CheckDecode(text.trim(), 'MetaAddress');
  if (b.length !== 67 || b[0] !== META_ADDRESS_VERSION) throw new DecodeError('MetaAddress', 'not a stealth meta-address (version or length)');
  const queryKey = b.slice(1, 34);
  const payKey = b.slice(34, 67);
  for (const k of [queryKey, payKey]) if (decodePublicKey(k) === null) throw new DecodeError('MetaAddress', 'a key is the point at infinity');
  return { queryKey, payKey };
}

/** c_role = H(Z ‖ k): a non-zero scalar. */
function tweak(z: Uint8Array, k: number, role: 'query' | 'pay'): bigint {
  const kk = new Uint8Array(4);
  new DataView(kk.buffer).setUint32(0, k, false);
  const c = p256_hasher.hashToScalar(concatBytes(z, kk), { DST: DST[role] }) % N;
  if (c === 0n) throw new RangeError('a zero tweak (probability 2^-256)');
  return c;
}

/** The one-time account of the k-th output to `meta` for shared secret Z, with its tweaks. */
export function oneTimeAccount(meta: MetaAddress, z: Uint8Array, k: number): { script: Uint8Array; scriptHash: Uint8Array; queryKey: Uint8Array; payKey: Uint8Array; cq: bigint; cp: bigint } {
  const cq = tweak(z, k, 'query');
  const cp = tweak(z, k, 'pay');
  const queryKey = p256.Point.fromBytes(meta.queryKey).add(G.multiply(cq)).toBytes(true);
  const payKey = p256.Point.fromBytes(meta.payKey).add(G.multiply(cp)).toBytes(true);
  const script = multiSigScript(2, [queryKey, payKey]);
  return { script, scriptHash: scriptHash(script), queryKey, payKey, cq, cp };
}

const scalarBytes = (x: bigint) => p256.Point.Fn.toBytes(x);

/**
 * A sender's side: the ephemeral attribute and the one-time script hashes of `count` outputs to
 * `meta`. `ephemeral` is r (32 bytes) for reproducible tests; a fresh random one otherwise.
 */
export function stealthOutputs(meta: MetaAddress, count: number, ephemeral: Uint8Array = p256.utils.randomSecretKey()): { attribute: TransactionAttribute; scriptHashes: Uint8Array[] } {
  const r = p256.Point.Fn.fromBytes(ephemeral);
  const R = G.multiply(r).toBytes(true);
  const z = p256.Point.fromBytes(meta.queryKey).multiply(r).toBytes(true);
  const scriptHashes = Array.from({ length: count }, (_, k) => oneTimeAccount(meta, z, k).scriptHash);
  return { attribute: { usage: R[0] === 0x02 ? AttributeUsage.ECDH02 : AttributeUsage.ECDH03, data: R.slice(1) }, scriptHashes };
}

/** A stealth output found by a recipient: its position, k, and the account's one-time keys and tweaks. */
export interface FoundOutput {
  readonly index: number;
  readonly k: number;
  readonly script: Uint8Array;
  readonly cq: bigint;
  readonly cp: bigint;
}

/**
 * The recipient's side, with the query private key v alone: the outputs of `tx` that are its
 * one-time accounts. Ephemeral keys that are not points on the curve are ignored.
 */
export function scanTransaction(tx: Transaction, meta: MetaAddress, queryPrivateKey: Uint8Array): FoundOutput[] {
  const v = p256.Point.Fn.fromBytes(queryPrivateKey);
  const found: FoundOutput[] = [];
  for (const a of tx.attributes) {
    if (a.usage !== AttributeUsage.ECDH02 && a.usage !== AttributeUsage.ECDH03) continue;
    let R: InstanceType<typeof p256.Point>;
    try {
      R = p256.Point.fromBytes(concatBytes(Uint8Array.of(a.usage), a.data));
      R.assertValidity();
    } catch {
      continue;
    }
    const z = R.multiply(v).toBytes(true);
    for (let k = 0; k < tx.outputs.length; k++) {
      const one = oneTimeAccount(meta, z, k);
      const mine = tx.outputs.flatMap((o, index) => (equalBytes(o.scriptHash, one.scriptHash) ? [index] : []));
      if (mine.length === 0) break; // one-time accounts of a recipient are numbered 0, 1, …: the first unused ends them
      for (const index of mine) found.push({ index, k, script: one.script, cq: one.cq, cp: one.cp });
    }
  }
  return found;
}

/** The private keys that spend a found output: v + c_q and s + c_p (mod n). */
export function oneTimePrivateKeys(queryPrivateKey: Uint8Array, payPrivateKey: Uint8Array, found: Pick<FoundOutput, 'cq' | 'cp'>): Uint8Array[] {
  const Fn = p256.Point.Fn;
  return [scalarBytes(Fn.add(Fn.fromBytes(queryPrivateKey), found.cq)), scalarBytes(Fn.add(Fn.fromBytes(payPrivateKey), found.cp))];
}

/** The meta-address of a dual-key account (its query and pay public keys). */
export function metaAddressOf(payKey: Uint8Array, queryKey: Uint8Array): MetaAddress {
  const account = dualKeyAccount(payKey, queryKey);
  return { queryKey: account.queryKey, payKey: account.payKey };
}
