/**
 * A signed payment from a single-key account of the local network (the faucet, the network
 * benchmark): the wallet's payment builder, signed at once with the account's one key.
 */
import { getPublicKey } from '../core/crypto/keys.ts';
import { singleKeyScript } from '../core/script/accounts.ts';
import { signTransaction, type Transaction } from '../core/tx/transaction.ts';
import { buildPayment, type PaymentParams } from '../core/wallet/payment.ts';

/** The signed payment; PAYMENT_FUNDS_LOW when the account holds too little. */
export function payment(params: Omit<PaymentParams, 'script'> & { readonly key: Uint8Array }): Transaction {
  const script = singleKeyScript(getPublicKey(params.key));
  const { tx } = buildPayment({ ...params, script });
  return signTransaction(tx, [{ script, keys: [params.key] }]);
}
