/**
 * A wallet account as stored: the dual-key account's public keys, the query key sealed under the
 * query password, the pay key sealed under the pay password (absent for a query-only account),
 * and the mnemonic sealed under the pay password (so the words can be shown again, and the backup
 * check taken later). Private keys exist unsealed only in memory: the query
 * key while the wallet is unlocked, the pay key while one transaction is signed.
 */
import { bytesToHex, equalBytes, hexToBytes } from '../encoding/bytes.ts';
import { generatePrivateKey, getPublicKey } from '../crypto/keys.ts';
import { addressFromScriptHash, dualKeyAccount, scriptHash, singleKeyScript } from '../script/accounts.ts';
import { signTransaction, type Transaction } from '../tx/transaction.ts';
import { dualKeysFromMnemonic, normalizeMnemonic } from './keys.ts';
import { checkSealed, openSecret, sealSecret, type ScryptParams, type SealedSecret } from './keystore.ts';
import { walletError } from './errors.ts';
import { base58CheckDecode } from '../encoding/base58.ts';

export interface AccountRecord {
  /** The address: the account's id. */
  readonly address: string;
  readonly label: string;
  readonly payPublicKey: string;
  readonly queryPublicKey: string;
  readonly query: SealedSecret;
  /** Absent for a query-only (watch) account. */
  readonly pay?: SealedSecret;
  /** The recovery words, sealed under the pay password (absent for imported and query-only accounts, and for accounts made before they were kept). */
  readonly mnemonic?: SealedSecret;
  /** When the backup check passed (ms since 1970); absent until it has. */
  readonly backupChecked?: number;
  /**
   * The key this account enrolled as a validator candidate (governance.ts), sealed under the pay
   * password: not the pay key, since it is meant to leave the browser, as the key file a node
   * runs with (`ans node --key`). It controls only the candidacy's deposit.
   */
  readonly validator?: { readonly publicKey: string; readonly key: SealedSecret };
  readonly created: number;
}

/** The 2-of-2 verification script of an account record. */
/**
 * Scripts of the accounts seen so far, by their two keys: building one decompresses both keys
 * (a square root each), and the screens ask for it on every block they draw. Public data only.
 */
const scripts = new Map<string, Uint8Array>();

export function accountScript(record: Pick<AccountRecord, 'payPublicKey' | 'queryPublicKey'>): Uint8Array {
  const id = `${record.payPublicKey}/${record.queryPublicKey}`;
  let script = scripts.get(id);
  if (!script) {
    script = dualKeyAccount(hexToBytes(record.payPublicKey), hexToBytes(record.queryPublicKey)).script;
    if (scripts.size >= 1024) scripts.clear();
    scripts.set(id, script);
  }
  return script.slice();
}

export function accountScriptHash(record: Pick<AccountRecord, 'payPublicKey' | 'queryPublicKey'>): Uint8Array {
  return scriptHash(accountScript(record));
}

const label = (address: string, what: 'query' | 'pay' | 'mnemonic' | 'validator') => `antshares-web/${address}/${what}`;

function checkPasswords(queryPassword: string, payPassword: string): void {
  if (queryPassword === payPassword) throw walletError('WALLET_PASSWORDS_SAME', 'the query password and the pay password must differ: one leaked password must not give both keys');
}

/** A new account from a mnemonic and its two passwords (they must differ). */
export async function createAccount(params: {
  mnemonic: string; queryPassword: string; payPassword: string; label: string; addressVersion?: number; scrypt?: ScryptParams; keepMnemonic?: boolean;
}): Promise<AccountRecord> {
  checkPasswords(params.queryPassword, params.payPassword);
  const keys = await dualKeysFromMnemonic(params.mnemonic);
  const address = addressFromScriptHash(keys.scriptHash, params.addressVersion);
  const options = { params: params.scrypt };
  const [query, pay, mnemonic] = await Promise.all([
    sealSecret(keys.queryPrivateKey, params.queryPassword, label(address, 'query'), options),
    sealSecret(keys.payPrivateKey, params.payPassword, label(address, 'pay'), options),
    params.keepMnemonic === false ? undefined : sealSecret(new TextEncoder().encode(normalizeMnemonic(params.mnemonic)), params.payPassword, label(address, 'mnemonic'), options),
  ]);
  keys.payPrivateKey.fill(0);
  keys.queryPrivateKey.fill(0);
  return {
    address, label: params.label, payPublicKey: bytesToHex(keys.payKey), queryPublicKey: bytesToHex(keys.queryKey), query, pay, mnemonic, created: Date.now(),
  };
}

/** A query-only account: the query private key and both public keys (it sees everything, signs nothing alone). */
export async function createWatchAccount(params: {
  queryPrivateKey: Uint8Array; payPublicKey: Uint8Array; queryPublicKey: Uint8Array; queryPassword: string; label: string; addressVersion?: number; scrypt?: ScryptParams;
}): Promise<AccountRecord> {
  if (!equalBytes(getPublicKey(params.queryPrivateKey), params.queryPublicKey)) {
    throw walletError('WALLET_KEY_FORMAT', 'the query private key does not match the query public key');
  }
  const account = dualKeyAccount(params.payPublicKey, params.queryPublicKey);
  if (!equalBytes(account.queryKey, params.queryPublicKey)) {
    throw walletError('WALLET_KEY_FORMAT', 'the query key must be the larger of the two public keys (the pay key the smaller)');
  }
  const address = addressFromScriptHash(scriptHash(account.script), params.addressVersion);
  const query = await sealSecret(params.queryPrivateKey, params.queryPassword, label(address, 'query'), { params: params.scrypt });
  return { address, label: params.label, payPublicKey: bytesToHex(account.payKey), queryPublicKey: bytesToHex(account.queryKey), query, created: Date.now() };
}

/**
 * A stored account record checked before any of it is used: anything malformed (a field missing,
 * public keys that are not 33 bytes of hex, a sealed key that is not one: checkSealed) is
 * WALLET_KEY_FORMAT, never a raw TypeError or RangeError (issue 15).
 */
export function checkAccountRecord(record: unknown): AccountRecord {
  const fail = (why: string): never => {
    throw walletError('WALLET_KEY_FORMAT', `this stored account cannot be read: ${why}`, {});
  };
  if (typeof record !== 'object' || record === null) return fail('not an object');
  const r = record as Record<string, unknown>;
  if (typeof r.address !== 'string' || r.address.length === 0 || r.address.length > 64) fail('no address');
  for (const field of ['payPublicKey', 'queryPublicKey'] as const) {
    if (typeof r[field] !== 'string' || !/^0[23][0-9a-f]{64}$/.test(r[field])) fail(`its ${field === 'payPublicKey' ? 'pay' : 'query'} public key is not a compressed key`);
  }
  checkSealed(r.query);
  if (r.pay !== undefined) checkSealed(r.pay);
  if (r.mnemonic !== undefined) checkSealed(r.mnemonic);
  if (r.backupChecked !== undefined && typeof r.backupChecked !== 'number') fail('its backup date is not a number');
  if (r.validator !== undefined) {
    const v = r.validator as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || typeof v.publicKey !== 'string' || !/^0[23][0-9a-f]{64}$/.test(v.publicKey)) fail('its validator key is not a compressed key');
    checkSealed(v!.key);
  }
  return record as AccountRecord;
}

/** The query private key (WALLET_WRONG_PASSWORD for a wrong query password). */
export async function openQueryKey(record: AccountRecord, queryPassword: string): Promise<Uint8Array> {
  checkAccountRecord(record);
  const key = await openSecret(record.query, queryPassword, label(record.address, 'query'));
  if (!equalBytes(getPublicKey(key), hexToBytes(record.queryPublicKey))) throw walletError('WALLET_KEY_FORMAT', 'the stored query key does not match its public key');
  return key;
}

/** The pay private key (WALLET_WRONG_PASSWORD for a wrong pay password; WALLET_WATCH_ONLY without one). */
export async function openPayKey(record: AccountRecord, payPassword: string): Promise<Uint8Array> {
  checkAccountRecord(record);
  if (!record.pay) throw walletError('WALLET_WATCH_ONLY', 'this is a query-only account: it cannot sign');
  const key = await openSecret(record.pay, payPassword, label(record.address, 'pay'));
  if (!equalBytes(getPublicKey(key), hexToBytes(record.payPublicKey))) throw walletError('WALLET_KEY_FORMAT', 'the stored pay key does not match its public key');
  return key;
}

/** The recovery words (pay password): to show them again, and for the backup check. */
export async function openMnemonic(record: AccountRecord, payPassword: string): Promise<string> {
  checkAccountRecord(record);
  if (!record.mnemonic) throw walletError('WALLET_KEY_FORMAT', 'this account keeps no recovery words (it was imported, or made before the wallet kept them)');
  return new TextDecoder().decode(await openSecret(record.mnemonic, payPassword, label(record.address, 'mnemonic')));
}

/**
 * The single-key script of the account's pay key: the issuer of the assets it registers (a
 * RegisterTransaction names one key as issuer, and that key signs it).
 */
export function issuerScript(record: Pick<AccountRecord, 'payPublicKey'>): Uint8Array {
  return singleKeyScript(hexToBytes(record.payPublicKey));
}

/**
 * Signs `tx` with both keys of the account: the query key (held while unlocked) and the pay key,
 * opened with the pay password for this signature and wiped after it. `asIssuer` adds the pay
 * key's own signature (an asset registration).
 */
export async function signWithAccount(tx: Transaction, record: AccountRecord, queryKey: Uint8Array, payPassword: string, options: { asIssuer?: boolean; asValidator?: boolean } = {}): Promise<Transaction> {
  const payKey = await openPayKey(record, payPassword);
  const validatorKey = options.asValidator ? await openValidatorKey(record, payPassword) : undefined;
  try {
    const signers = [{ script: accountScript(record), keys: [payKey, queryKey] }];
    if (options.asIssuer) signers.push({ script: issuerScript(record), keys: [payKey] });
    if (validatorKey) signers.push({ script: singleKeyScript(getPublicKey(validatorKey)), keys: [validatorKey] });
    return signTransaction(tx, signers);
  } finally {
    payKey.fill(0);
    validatorKey?.fill(0);
  }
}

/**
 * A validator key for the account (a new random key, not the pay key), sealed under the pay
 * password, which must be the account's (it opens the pay key first). Returns the record with it.
 */
export async function addValidatorKey(record: AccountRecord, payPassword: string, scrypt?: ScryptParams): Promise<AccountRecord> {
  const payKey = await openPayKey(record, payPassword);
  payKey.fill(0);
  const key = generatePrivateKey();
  try {
    const sealed = await sealSecret(key, payPassword, label(record.address, 'validator'), { params: scrypt });
    return { ...record, validator: { publicKey: bytesToHex(getPublicKey(key)), key: sealed } };
  } finally {
    key.fill(0);
  }
}

/** The account's validator private key (pay password), for signing its enrolment or writing its key file. */
export async function openValidatorKey(record: AccountRecord, payPassword: string): Promise<Uint8Array> {
  checkAccountRecord(record);
  if (!record.validator) throw walletError('WALLET_KEY_FORMAT', 'this account has no validator key');
  const key = await openSecret(record.validator.key, payPassword, label(record.address, 'validator'));
  if (!equalBytes(getPublicKey(key), hexToBytes(record.validator.publicKey))) throw walletError('WALLET_KEY_FORMAT', 'the stored validator key does not match its public key');
  return key;
}

/** Words of the mnemonic the backup check asks for: `count` distinct positions, random. */
export function backupCheckPositions(words: number, count = 3, random: () => number = () => crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32): number[] {
  const all = Array.from({ length: words }, (_, i) => i);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

/** The format of a backup file: accounts as stored, every secret in them sealed (scrypt, XChaCha20-Poly1305). */
const BACKUP_FORMAT = 'antshares-web-backup';

/**
 * A backup file of `accounts`: the records as stored, so every key in it stays sealed under its
 * password (the file opens nothing without them). Public data besides: addresses and public keys.
 */
export function exportBackup(accounts: readonly AccountRecord[]): string {
  return JSON.stringify({ format: BACKUP_FORMAT, version: 1, made: new Date().toISOString(), accounts }, null, 1);
}

/**
 * The accounts of a backup file, each checked as a stored record is (checkAccountRecord) and its
 * address checked against its keys (a record edited to show another address is refused).
 * WALLET_BACKUP_FORMAT for a file that is not a backup.
 */
export function importBackup(text: string): AccountRecord[] {
  let file: { format?: unknown; version?: unknown; accounts?: unknown };
  try {
    file = JSON.parse(text);
  } catch {
    throw walletError('WALLET_BACKUP_FORMAT', 'this file is not a wallet backup (not JSON)');
  }
  if (typeof file !== 'object' || file === null || file.format !== BACKUP_FORMAT || file.version !== 1 || !Array.isArray(file.accounts) || file.accounts.length === 0) {
    throw walletError('WALLET_BACKUP_FORMAT', 'this file is not a wallet backup of this app');
  }
  return file.accounts.map((a: unknown) => {
    const record = checkAccountRecord(a);
    let hash: Uint8Array;
    try {
      hash = base58CheckDecode(record.address, 'Address').slice(1);
    } catch {
      throw walletError('WALLET_BACKUP_FORMAT', `the account ${record.address} in this backup has no valid address`);
    }
    if (!equalBytes(hash, accountScriptHash(record))) throw walletError('WALLET_BACKUP_FORMAT', `the account ${record.address} in this backup does not match its keys`);
    return record;
  });
}
