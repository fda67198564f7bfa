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

/** Opens a sealed secret: WALLET_WRONG_PASSWORD when the password (or the label) is not the one it was sealed with. */
export async function openSecret(sealed: SealedSecret, password: string, label: string, onProgress?: (f: number) => void): Promise<Uint8Array> {
  if (sealed.version !== 1 || sealed.kdf !== 'scrypt' || sealed.cipher !== 'xchacha20poly1305') {
    throw walletError('WALLET_KEY_FORMAT', 'this key record is of a format this wallet does not read', { version: sealed.version });
  }
  if (!(sealed.N >= 2 && sealed.N <= 1 << 20 && sealed.r >= 1 && sealed.r <= 32 && sealed.p >= 1 && sealed.p <= 16)) {
    throw walletError('WALLET_KEY_FORMAT', 'the key record asks for scrypt parameters out of range', { N: sealed.N, r: sealed.r, p: sealed.p });
  }
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
