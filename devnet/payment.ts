/**
 * A payment from a single-key account of the local network (the faucet, the benchmark's
 * fan-out): inputs taken from the account's unspent outputs at the tip, change back to it, and
 * the byte fee the transaction's size requires, paid in AntCoin.
 */
import { bytesToHex } from '../core/encoding/bytes.ts';
import { ProtocolError } from '../core/encoding/errors.ts';
import { formatFixed8, uintToString } from '../core/encoding/primitives.ts';
import { getPublicKey } from '../core/crypto/keys.ts';
import { scriptHash, singleKeyScript } from '../core/script/accounts.ts';
import { encodeTransaction, outpointKey, signTransaction, type Transaction } from '../core/tx/transaction.ts';
import { ANTCOIN_ID } from '../core/block/genesis.ts';
import { byteFee, type NetworkSettings } from '../core/state/settings.ts';
import type { Ledger } from '../core/state/ledger.ts';

export type PaymentErrorCode = 'PAYMENT_FUNDS_LOW';

export interface PaymentParams {
  readonly ledger: Ledger;
  readonly settings: NetworkSettings;
  readonly key: Uint8Array;
  readonly outputs: Transaction['outputs'];
  /** Outputs not to spend (outpoint keys), e.g. those a payment still waiting for a block spends. */
  readonly skip?: ReadonlySet<string>;
}

/** The signed payment; PAYMENT_FUNDS_LOW (with the asset, what is held and what is needed) when the account holds too little. */
export function payment(params: PaymentParams): Transaction {
  const script = singleKeyScript(getPublicKey(params.key));
  const from = scriptHash(script);
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
        throw new ProtocolError<PaymentErrorCode>('PAYMENT_FUNDS_LOW', `the account holds ${formatFixed8(got)} of the ${formatFixed8(value)} needed`, { asset: uintToString(asset) });
      }
      if (got > value) change.push({ assetId: asset, value: got - value, scriptHash: from });
    }
    const unsigned: Transaction = { type: 'ContractTransaction', version: 0, attributes: [], inputs, outputs: [...params.outputs, ...change], witnesses: [] };
    return signTransaction(unsigned, [{ script, keys: [params.key] }]);
  };
  // The fee follows the size; a margin covers one more input the fee itself may need.
  return build(byteFee(params.settings, 'ContractTransaction', encodeTransaction(build(0n)).length + 64));
}
