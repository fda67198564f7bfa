/**
 * The dual-key account of docs/wallet.md (whitepaper 2.1): from one BIP39 mnemonic, two
 * independent P-256 keys, each under its own HKDF label, so that neither can be computed from
 * the other. The account is the 2-of-2 multisig of both; the smaller public key is the pay key,
 * the larger the query key: when they come out the other way round, the next counter is tried,
 * so the roles follow from the keys alone.
 */
import { generateMnemonic, mnemonicToSeed, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { mapHashToField } from '@noble/curves/abstract/modular.js';
import { p256 } from '@noble/curves/nist.js';
import { equalBytes } from '../encoding/bytes.ts';
import { getPublicKey } from '../crypto/keys.ts';
import { dualKeyAccount, scriptHash, type DualKeyAccount } from '../script/accounts.ts';
import { walletError } from './errors.ts';

/** Domain of this project's derivations: a mnemonic used elsewhere gives other keys here. */
const SALT = new TextEncoder().encode('antshares-web/wallet/v1');

/** A new 12-word English mnemonic (128 bits of entropy from the platform's CSPRNG). */
export function newMnemonic(): string {
  return generateMnemonic(wordlist, 128);
}

/** Words normalised: lower case, single spaces. */
export function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.trim().toLowerCase().split(/\s+/).join(' ');
}

export function isValidMnemonic(mnemonic: string): boolean {
  return validateMnemonic(normalizeMnemonic(mnemonic), wordlist);
}

/** A private key of a role and counter from the seed: HKDF-SHA256 to 48 bytes, reduced into [1, n-1]. */
function deriveKey(seed: Uint8Array, role: 'query' | 'pay', counter: number): Uint8Array {
  const okm = hkdf(sha256, seed, SALT, new TextEncoder().encode(`${role} key ${counter}`), 48);
  return mapHashToField(okm, p256.Point.CURVE().n);
}

/** Both private keys and the account they make. */
export interface DualKeys extends DualKeyAccount {
  readonly queryPrivateKey: Uint8Array;
  readonly payPrivateKey: Uint8Array;
  /** hash160 of the 2-of-2 script: the account's address. */
  readonly scriptHash: Uint8Array;
  /** The counter that gave the keys their roles (0 for about half of all mnemonics). */
  readonly counter: number;
}

/** The dual keys of a seed (the 64 bytes of `mnemonicToSeed`). */
export function dualKeysFromSeed(seed: Uint8Array): DualKeys {
  for (let counter = 0; ; counter++) {
    const payPrivateKey = deriveKey(seed, 'pay', counter);
    const queryPrivateKey = deriveKey(seed, 'query', counter);
    const account = dualKeyAccount(getPublicKey(payPrivateKey), getPublicKey(queryPrivateKey));
    if (equalBytes(account.payKey, getPublicKey(payPrivateKey))) {
      return { ...account, payPrivateKey, queryPrivateKey, scriptHash: scriptHash(account.script), counter };
    }
  }
}

/** The dual keys of a mnemonic (no BIP39 passphrase); WALLET_MNEMONIC_INVALID for a bad phrase. */
export async function dualKeysFromMnemonic(mnemonic: string): Promise<DualKeys> {
  const words = normalizeMnemonic(mnemonic);
  if (!validateMnemonic(words, wordlist)) throw walletError('WALLET_MNEMONIC_INVALID', 'this is not a valid 12- or 24-word phrase (a word is misspelt, or missing, or out of order)');
  return dualKeysFromSeed(await mnemonicToSeed(words));
}
