/** Codes of the wallet's refusals: the UI maps each to a translated message. */
import { ProtocolError } from '../encoding/errors.ts';

export type WalletErrorCode =
  /** The password does not open this key (or the stored key was altered). */
  | 'WALLET_WRONG_PASSWORD'
  /** The mnemonic is not a valid BIP39 English phrase (a word unknown, or the checksum wrong). */
  | 'WALLET_MNEMONIC_INVALID'
  /** The query and pay passwords must differ: one leaked password must not give both keys. */
  | 'WALLET_PASSWORDS_SAME'
  /** A password shorter than the minimum. */
  | 'WALLET_PASSWORD_WEAK'
  /** The stored key record is not one this wallet can read. */
  | 'WALLET_KEY_FORMAT'
  /** A backup file that is not one this wallet wrote, or whose accounts do not hold together. */
  | 'WALLET_BACKUP_FORMAT'
  /** The account cannot sign: a query-only (watch) account. */
  | 'WALLET_WATCH_ONLY'
  /** The account holds too little of an asset for a payment. */
  | 'PAYMENT_FUNDS_LOW'
  /** The amount is not positive, or finer than the asset's precision. */
  | 'PAYMENT_AMOUNT_INVALID'
  /** A signature already on a contract offer does not verify. */
  | 'CONTRACT_SIGNATURE_INVALID'
  /** The offer does not involve this account, or was made for another network. */
  | 'CONTRACT_NOT_FOR_US';

export function walletError(code: WalletErrorCode, message: string, data: Record<string, unknown> = {}): ProtocolError<WalletErrorCode> {
  return new ProtocolError(code, message, data);
}
