/**
 * AgencyTransaction (0xB0, whitepaper 4.2.2): the agent settles matched orders of one asset
 * against one currency. Stateless rules here; prices and amounts against inputs in core/state.
 */
import * as P from 'micro-packed';
import { equalBytes } from '../encoding/bytes.ts';
import { UInt160, UInt256, formatFixed8, uintToString, varArray } from '../encoding/primitives.ts';
import type { Transaction } from './transaction.ts';
import { txError } from './errors.ts';
import { MAX_ORDERS } from './limits.ts';
import { CompactOrder, SplitOrder, presence } from './order.ts';

export const AgencyTransactionData = P.struct({
  version: P.U8,
  assetId: UInt256,
  valueAssetId: UInt256,
  agent: UInt160,
  orders: varArray(MAX_ORDERS, CompactOrder),
  splitOrder: P.optional(presence, SplitOrder),
});

/**
 * One asset against another, at least one buy and one sell, no zero amount, positive limit
 * prices, every order funded by inputs (docs/protocol.md, "Order ... Rules").
 */
export function checkAgencyTransaction(tx: Extract<Transaction, { type: 'AgencyTransaction' }>): void {
  if (equalBytes(tx.assetId, tx.valueAssetId)) {
    throw txError('TX_AGENCY_SAME_ASSET', 'an asset cannot be traded against itself', { assetId: uintToString(tx.assetId) });
  }
  tx.orders.forEach((o, i) => {
    if (o.witnesses.length > 1) {
      throw txError('TX_AGENCY_ORDER_INVALID', "an order carries one witness, its client's (or none: a split order continued)", { order: i, witnesses: o.witnesses.length });
    }
    if (o.amount === 0n || o.price <= 0n || o.inputs.length === 0) {
      throw txError('TX_AGENCY_ORDER_INVALID', 'an order needs a non-zero amount, a positive price and inputs', {
        order: i,
        amount: formatFixed8(o.amount),
        price: formatFixed8(o.price),
      });
    }
  });
  if (!tx.orders.some((o) => o.amount > 0n) || !tx.orders.some((o) => o.amount < 0n)) {
    throw txError('TX_AGENCY_ORDERS_ONE_SIDED', 'an agency transaction settles at least one buy and one sell', { orders: tx.orders.length });
  }
  const s = tx.splitOrder;
  if (s && (s.amount === 0n || s.price <= 0n)) {
    throw txError('TX_AGENCY_ORDER_INVALID', 'the split order needs a non-zero amount and a positive price', { order: 'split' });
  }
}

/**
 * What an order's client trades in an agency transaction: units bought (a buy) or sold, and value
 * paid (a buy) or received, from the outputs its order spends (`spent`) and the outputs to it.
 */
export function orderFill(
  tx: { readonly assetId: Uint8Array; readonly valueAssetId: Uint8Array; readonly outputs: readonly { assetId: Uint8Array; value: bigint; scriptHash: Uint8Array }[] },
  order: { readonly amount: bigint; readonly client: Uint8Array },
  spent: readonly { readonly assetId: Uint8Array; readonly value: bigint }[],
): { buy: boolean; filled: bigint; value: bigint } {
  let assetIn = 0n;
  let valueIn = 0n;
  for (const s of spent) {
    if (equalBytes(s.assetId, tx.assetId)) assetIn += s.value;
    else if (equalBytes(s.assetId, tx.valueAssetId)) valueIn += s.value;
  }
  let assetOut = 0n;
  let valueOut = 0n;
  for (const out of tx.outputs) {
    if (!equalBytes(out.scriptHash, order.client)) continue;
    if (equalBytes(out.assetId, tx.assetId)) assetOut += out.value;
    else if (equalBytes(out.assetId, tx.valueAssetId)) valueOut += out.value;
  }
  const buy = order.amount > 0n;
  return { buy, filled: buy ? assetOut - assetIn : assetIn - assetOut, value: buy ? valueIn - valueOut : valueOut - valueIn };
}
