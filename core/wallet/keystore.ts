/**
 * Secrets encrypted under a password (docs/wallet.md): scrypt derives a 32-byte key from the
 * password and a random salt, XChaCha20-Poly1305 (random 24-byte nonce) seals the secret. The
 * parameters sit beside the ciphertext, so stronger ones can come later without breaking old
 * records. The additional data binds a record to its use (`label`: which key of which account),
 * so a record cannot be swapped for another's. A wrong password fails the tag:
 * WALLET_WRONG_PASSWORD, and nothing is learnt.
 */
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex, hexToBytes } from '../encoding/bytes.ts';
import { walletError } from './errors.ts';

/** scrypt's cost parameters. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** The default: N = 2^14, r = 8, p = 8 (wallet.md's floor; measured in `npm run bench`). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 14, r: 8, p: 8 };

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 8;

/** An encrypted secret as stored (JSON-safe: hex strings and numbers). */
export interface SealedSecret {
  readonly version: 1;
  readonly kdf: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly cipher: 'xchacha20poly1305';
  readonly nonce: string;
  readonly ciphertext: string;
}

const utf8 = new TextEncoder();

async function keyOf(password: string, salt: Uint8Array, params: ScryptParams, onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  return scryptAsync(utf8.encode(password.normalize('NFKC')), salt, { ...params, dkLen: 32, maxmem: 1 << 30, onProgress });
}

/** Seals `secret` under `password` for the use `label`. */
export async function sealSecret(secret: Uint8Array, password: string, label: string, options: { params?: ScryptParams; onProgress?: (f: number) => void } = {}): Promise<SealedSecret> {
  if (password.length < MIN_PASSWORD_LENGTH) throw walletError('WALLET_PASSWORD_WEAK', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`, { min: MIN_PASSWORD_LENGTH });
  const params = options.params ?? DEFAULT_SCRYPT;
  const salt = randomBytes(16);
  const nonce = randomBytes(24);
  const key = await keyOf(password, salt, params, options.onProgress);
  const ciphertext = xchacha20poly1305(key, nonce, utf8.encode(label)).encrypt(secret);
  key.fill(0);
  return { version: 1, kdf: 'scrypt', N: params.N, r: params.r, p: params.p, salt: bytesToHex(salt), cipher: 'xchacha20poly1305', nonce: bytesToHex(nonce), ciphertext: bytesToHex(ciphertext) };
}

/**
 * The most work a record may ask of scrypt (128 · N · r · p): twice the default's, so that records
 * sealed with stronger parameters later still open, while a tampered record cannot make an unlock
 * run for tens of seconds (N = 2^20, p = 16 took 25 s) before it fails.
 */
const MAX_SCRYPT_COST = 2 * DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r * DEFAULT_SCRYPT.p;

const HEX = /^(?:[0-9a-f]{2})*$/;

/**
 * A stored record checked field by field before anything is done with it: anything that is not a
 * sealed secret this wallet wrote (a missing field, bad hex, lengths that are not a salt's or a
 * nonce's, scrypt parameters out of range or too costly) is WALLET_KEY_FORMAT, never a raw
 * TypeError or RangeError.
 */
export function checkSealed(record: unknown): SealedSecret {
  const fail = (why: string): never => {
    throw walletError('WALLET_KEY_FORMAT', `this key record cannot be read: ${why}`, {});
  };
  if (typeof record !== 'object' || record === null) return fail('not an object');
  const r = record as Record<string, unknown>;
  if (r.version !== 1 || r.kdf !== 'scrypt' || r.cipher !== 'xchacha20poly1305') return fail('a format this wallet does not read');
  const { N, r: blocks, p } = r;
  if (![N, blocks, p].every((x) => Number.isSafeInteger(x) && (x as number) >= 1)) return fail('scrypt parameters that are not whole numbers');
  const [n, rr, pp] = [N, blocks, p] as number[];
  if (n < 2 || (n & (n - 1)) !== 0 || rr > 32 || pp > 16 || n * rr * pp > MAX_SCRYPT_COST) return fail(`scrypt parameters out of range (N ${n}, r ${rr}, p ${pp})`);
  for (const [field, bytes] of [['salt', 16], ['nonce', 24]] as const) {
    if (typeof r[field] !== 'string' || !HEX.test(r[field]) || r[field].length !== 2 * bytes) fail(`a ${field} that is not ${bytes} bytes of hex`);
  }
  if (typeof r.ciphertext !== 'string' || !HEX.test(r.ciphertext) || r.ciphertext.length < 32 || r.ciphertext.length > 2 * 4096) fail('a ciphertext that is not hex of a sealed key');
  return record as SealedSecret;
}

/** Opens a sealed secret: WALLET_WRONG_PASSWORD when the password (or the label) is not the one it was sealed with; WALLET_KEY_FORMAT for a record that is not one (checkSealed). */
export async function openSecret(sealed: SealedSecret, password: string, label: string, onProgress?: (f: number) => void): Promise<Uint8Array> {
  checkSealed(sealed);
  const key = await keyOf(password, hexToBytes(sealed.salt), sealed, onProgress);
  try {
    return xchacha20poly1305(key, hexToBytes(sealed.nonce), utf8.encode(label)).decrypt(hexToBytes(sealed.ciphertext));
  } catch {
    throw walletError('WALLET_WRONG_PASSWORD', 'wrong password');
  } finally {
    key.fill(0);
  }
}

/** A rough strength hint for a password (0 weak … 4 strong): length and variety of characters. */
export function passwordStrength(password: string): 0 | 1 | 2 | 3 | 4 {
  if (password.length < MIN_PASSWORD_LENGTH) return 0;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  const score = (password.length >= 12 ? 1 : 0) + (password.length >= 16 ? 1 : 0) + (kinds >= 2 ? 1 : 0) + (kinds >= 3 ? 1 : 0);
  return Math.min(4, Math.max(1, score)) as 1 | 2 | 3 | 4;
}
