/**
 * Payments from one account: inputs taken from its unspent outputs at the tip (oldest first),
 * change back to it, and the byte fee its signed size requires, paid in AntCoin. Built unsigned
 * with the exact fee (a signature is always 64 bytes, so the witness's size is known before
 * signing): a wallet shows the fee, then asks for the password that signs.
 */
import { bytesToHex } from '../encoding/bytes.ts';
import { formatFixed8, uintToString } from '../encoding/primitives.ts';
import { parseMultiSigScript, scriptHash } from '../script/accounts.ts';
import { invocationScript } from '../tx/sign.ts';
import { encodeTransaction, outpointKey, type Transaction } from '../tx/transaction.ts';
import { ANTCOIN_ID } from '../block/genesis.ts';
import { byteFee, type NetworkSettings } from '../state/settings.ts';
import type { Ledger } from '../state/ledger.ts';
import { walletError } from './errors.ts';

export interface PaymentParams {
  readonly ledger: Ledger;
  readonly settings: NetworkSettings;
  /** The paying account's verification script (single-key or M-of-N). */
  readonly script: Uint8Array;
  readonly outputs: Transaction['outputs'];
  /** Outputs not to spend (outpoint keys), e.g. those a payment still waiting for a block spends. */
  readonly skip?: ReadonlySet<string>;
}

/** An unsigned payment and the byte fee it pays. */
export interface UnsignedPayment {
  readonly tx: Transaction;
  readonly fee: bigint;
}

/** Signatures the script needs: 1 for a single key, M for M-of-N. */
function signaturesOf(script: Uint8Array): number {
  return parseMultiSigScript(script)?.m ?? 1;
}

/** The unsigned payment; PAYMENT_FUNDS_LOW (with the asset, what is held and what is needed) when the account holds too little. */
export function buildPayment(params: PaymentParams): UnsignedPayment {
  const from = scriptHash(params.script);
  const placeholder = [{ invocation: invocationScript(Array.from({ length: signaturesOf(params.script) }, () => new Uint8Array(64))), verification: params.script }];
  const build = (fee: bigint): Transaction => {
    const needs = new Map<string, { asset: Uint8Array; value: bigint }>();
    const need = (asset: Uint8Array, value: bigint) => {
      const k = bytesToHex(asset);
      needs.set(k, { asset, value: (needs.get(k)?.value ?? 0n) + value });
    };
    for (const o of params.outputs) need(o.assetId, o.value);
    if (fee > 0n) need(ANTCOIN_ID, fee);
    const inputs: Transaction['inputs'] = [];
    const change: Transaction['outputs'] = [];
    for (const { asset, value } of needs.values()) {
      let got = 0n;
      for (const u of params.ledger.unspent(from, asset)) {
        if (got >= value) break;
        if (params.skip?.has(outpointKey(u.txHash, u.index))) continue;
        inputs.push({ prevHash: u.txHash, prevIndex: u.index });
        got += u.output.value;
      }
      if (got < value) {
        throw walletError('PAYMENT_FUNDS_LOW', `the account holds ${formatFixed8(got)} of the ${formatFixed8(value)} needed`, {
          asset: uintToString(asset), held: formatFixed8(got), needed: formatFixed8(value),
        });
      }
      if (got > value) change.push({ assetId: asset, value: got - value, scriptHash: from });
    }
    return { type: 'ContractTransaction', version: 0, attributes: [], inputs, outputs: [...params.outputs, ...change], witnesses: [] };
  };
  // The fee follows the size, and the size may follow the fee (one more input to pay it): settle.
  let fee = 0n;
  for (;;) {
    const tx = build(fee);
    const size = encodeTransaction({ ...tx, witnesses: placeholder }).length;
    const needed = byteFee(params.settings, tx.type, size);
    if (needed <= fee) return { tx, fee };
    fee = needed;
  }
}
