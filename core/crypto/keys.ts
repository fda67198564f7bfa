/**
 * P-256 keys (docs/protocol.md, "Keys, scripts, addresses"): private keys as 32 bytes, hex and
 * WIF; public keys as 33-byte compressed points on the wire, 65-byte uncompressed accepted, and
 * the point at infinity as the single byte 0x00 (the issuer of the two native assets at genesis).
 */
import * as P from 'micro-packed';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base58CheckDecode, base58CheckEncode } from '../encoding/base58.ts';
import { bytesToHex, concatBytes, hexToBytes } from '../encoding/bytes.ts';
import { DecodeError } from '../encoding/errors.ts';
import { addBounded } from '../util/bounded.ts';

/** The curves an account may use; secp256r1 (P-256) is the default and the only one required. */
export type CurveName = 'secp256r1' | 'secp256k1';

/** noble's ECDSA object for a curve. */
export function curveOf(curve: CurveName) {
  return curve === 'secp256k1' ? secp256k1 : p256;
}

/** The encoded public key of the point at infinity. */
export const INFINITY = Uint8Array.of(0x00);

const WIF_PREFIX = 0x80;
const WIF_COMPRESSED = 0x01;

/** A fresh random private key (32 bytes, from the platform's CSPRNG). */
export function generatePrivateKey(curve: CurveName = 'secp256r1'): Uint8Array {
  return curveOf(curve).utils.randomSecretKey();
}

/** True when `key` is 32 bytes holding a scalar in 1..n-1. */
export function isValidPrivateKey(key: Uint8Array, curve: CurveName = 'secp256r1'): boolean {
  return key instanceof Uint8Array && key.length === 32 && curveOf(curve).utils.isValidSecretKey(key);
}

function checkPrivateKey(key: Uint8Array, curve: CurveName): Uint8Array {
  if (!isValidPrivateKey(key, curve)) throw new RangeError('private key must be 32 bytes holding a scalar in 1..n-1');
  return key;
}

/** The public key of `privateKey`, compressed (33 bytes) unless asked otherwise. */
export function getPublicKey(privateKey: Uint8Array, compressed = true, curve: CurveName = 'secp256r1'): Uint8Array {
  return curveOf(curve).getPublicKey(checkPrivateKey(privateKey, curve), compressed);
}

/** Private key from 64 hex digits; RangeError when it is not a valid scalar. */
export function privateKeyFromHex(hex: string, curve: CurveName = 'secp256r1'): Uint8Array {
  const key = hexToBytes(hex);
  return checkPrivateKey(key, curve);
}

/** WIF: Base58Check(0x80 || 32-byte private key || 0x01). */
export function privateKeyToWif(privateKey: Uint8Array): string {
  return base58CheckEncode(concatBytes(Uint8Array.of(WIF_PREFIX), checkPrivateKey(privateKey, 'secp256r1'), Uint8Array.of(WIF_COMPRESSED)));
}

/** Parses WIF; DecodeError for a bad checksum, prefix, suffix, length or scalar. */
export function privateKeyFromWif(wif: string, curve: CurveName = 'secp256r1'): Uint8Array {
  const raw = base58CheckDecode(wif, 'WIF');
  if (raw.length !== 34) throw new DecodeError('WIF', `payload of ${raw.length} bytes, expected 34`);
  if (raw[0] !== WIF_PREFIX) throw new DecodeError('WIF', `version byte 0x${raw[0].toString(16)}, expected 0x80`);
  if (raw[33] !== WIF_COMPRESSED) throw new DecodeError('WIF', 'missing the 0x01 compressed-key suffix');
  const key = raw.slice(1, 33);
  if (!isValidPrivateKey(key, curve)) throw new DecodeError('WIF', 'key is not a scalar in 1..n-1');
  return key;
}

/** A decoded public key: its affine coordinates, or null for the point at infinity. */
export interface PublicKeyPoint {
  readonly x: bigint;
  readonly y: bigint;
}

/**
 * Checks an encoded public key (0x00, 02/03+X, 04+X+Y) and returns its point (null = infinity).
 * Throws {@link DecodeError} when the bytes are not one of those forms or not on the curve.
 */
export function decodePublicKey(bytes: Uint8Array, curve: CurveName = 'secp256r1'): PublicKeyPoint | null {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('public key: Uint8Array expected');
  if (bytes.length === 1 && bytes[0] === 0x00) return null;
  const okLength = (bytes.length === 33 && (bytes[0] === 2 || bytes[0] === 3)) || (bytes.length === 65 && bytes[0] === 4);
  if (!okLength) throw new DecodeError('PublicKey', `not a 0x00, 33-byte compressed or 65-byte uncompressed key (${bytes.length} bytes)`);
  try {
    const p = curveOf(curve).Point.fromBytes(bytes);
    p.assertValidity();
    return { x: p.x, y: p.y };
  } catch (e) {
    throw new DecodeError('PublicKey', 'point is not on the curve', { cause: e });
  }
}

/** The 33-byte compressed form of any accepted encoding (infinity stays 0x00). */
export function compressPublicKey(bytes: Uint8Array, curve: CurveName = 'secp256r1'): Uint8Array {
  if (curve === 'secp256r1' && bytes.length === 33) {
    checkPoint(bytes); // the usual case, a key seen before: no square root again
    return bytes;
  }
  if (decodePublicKey(bytes, curve) === null) return INFINITY;
  if (bytes.length === 33) return bytes;
  return curveOf(curve).Point.fromBytes(bytes).toBytes(true);
}

/** The 65-byte uncompressed form; RangeError for the point at infinity. */
export function uncompressPublicKey(bytes: Uint8Array, curve: CurveName = 'secp256r1'): Uint8Array {
  if (decodePublicKey(bytes, curve) === null) throw new RangeError('the point at infinity has no uncompressed form');
  if (bytes.length === 65) return bytes;
  return curveOf(curve).Point.fromBytes(bytes).toBytes(false);
}

/** Key order of the protocol on decoded points: by X, then Y, as integers; the point at infinity first. */
export function comparePoints(pa: PublicKeyPoint | null, pb: PublicKeyPoint | null): number {
  if (pa === null || pb === null) return (pa === null ? 0 : 1) - (pb === null ? 0 : 1);
  if (pa.x !== pb.x) return pa.x < pb.x ? -1 : 1;
  if (pa.y !== pb.y) return pa.y < pb.y ? -1 : 1;
  return 0;
}

/** Key order of the protocol (see `comparePoints`) on encoded keys. */
export function comparePublicKeys(a: Uint8Array, b: Uint8Array, curve: CurveName = 'secp256r1'): number {
  return comparePoints(decodePublicKey(a, curve), decodePublicKey(b, curve));
}

/**
 * Keys already found on the curve: the same few (validators, issuers) are encoded and decoded
 * in every block's state, and each check of a compressed key is a square root (~0.1 ms in a
 * browser). Bounded; the oldest go first.
 */
const checkedPoints = new Set<string>();
const CHECKED_POINTS_MAX = 4096;

/** Throws (as decodePublicKey) unless `key` is an encoding of a point on the curve (or infinity). */
function checkPoint(key: Uint8Array): void {
  const id = bytesToHex(key);
  if (checkedPoints.has(id)) return;
  decodePublicKey(key);
  addBounded(checkedPoints, id, CHECKED_POINTS_MAX);
}

/**
 * Wire coder of an encoded public key (ECPoint): 0x00, 02/03 + 32 bytes, or 04 + 64 bytes.
 * The bytes are kept as sent, so that re-encoding gives the same hash; they are checked to be
 * on the curve.
 */
export const ECPoint: P.CoderType<Uint8Array> = P.wrap({
  encodeStream(w, key: Uint8Array) {
    checkPoint(key);
    w.bytes(key);
  },
  decodeStream(r): Uint8Array {
    const first = r.byte(true);
    const len = first === 0x00 ? 1 : first === 0x02 || first === 0x03 ? 33 : first === 0x04 ? 65 : -1;
    if (len < 0) throw r.err(`public key prefix 0x${first.toString(16)} is not 00, 02, 03 or 04`);
    const key = r.bytes(len);
    try {
      checkPoint(key);
    } catch {
      throw r.err('public key is not a point on P-256');
    }
    // As the reference does (its ECPoint keeps the point, and serialises it compressed), an
    // uncompressed key is read as its compressed form: the transaction's hash and signed bytes are
    // those of the compressed encoding (issue 15), whatever bytes carried it.
    return len === 65 ? compressPublicKey(key) : key;
  },
});
