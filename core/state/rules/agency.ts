/**
 * AgencyTransaction against the ledger: the "superconducting" exchange (whitepaper 4.2.2;
 * docs/protocol.md, "Order"). Clients sign their orders alone, off chain; the agent matches
 * them and signs the settlement. What each client gets and gives is read from its order's inputs
 * and the outputs to it:
 * - a buyer (amount > 0) receives A units, at most its amount, and pays V with V <= A x price;
 * - a seller (amount < 0) delivers D units, at most |amount|, and receives R with R >= D x price;
 * - at most one order is partly filled; it carries the worst limit price of its side (the lowest
 *   buy, the highest sell), and its remainder is exactly the split order sent back;
 * - the value asset is a currency (Currency or AntCoin); each client has one order here.
 * Value is kept per asset by the common rules, so any spread is an output to someone: the agent.
 *
 * Split orders (docs/protocol.md, "Split orders"): the remainder of the partly filled order stays
 * standing, recorded by the ledger (the `splits` table, by the transaction's hash). A later
 * AgencyTransaction of the same agent and pair may fill it without a new signature of the client:
 * the order then carries no witness, states exactly the split order (client, amount, price), and
 * spends only outputs of the transaction that left it standing (outputs to the client: the
 * common rule above). The client's signature on the original order is what authorises it; the
 * client ends it at any time by spending those outputs. Once continued, the record is gone (the
 * continuation leaves its own split order if it too is partly filled).
 */
import { bytesToHex, equalBytes } from '../../encoding/bytes.ts';
import { FIXED8_ONE, formatFixed8, uintToString } from '../../encoding/primitives.ts';
import type { Transaction } from '../../tx/transaction.ts';
import { orderFill } from '../../tx/agency.ts';
import { stateError } from '../errors.ts';
import { requireSigner } from './common.ts';
import type { TxContext } from './context.ts';

type Agency = Extract<Transaction, { type: 'AgencyTransaction' }>;

export function checkAgency(ctx: TxContext, tx: Agency): void {
  const value = ctx.ledger.assets.get(bytesToHex(tx.valueAssetId));
  if (!value || (value.assetType !== 'Currency' && value.assetType !== 'AntCoin')) {
    throw stateError('AGENCY_VALUE_ASSET_NOT_CURRENCY', 'orders are priced in a currency (Currency or AntCoin)', { valueAssetId: uintToString(tx.valueAssetId) });
  }
  requireSigner(ctx, tx.agent, 'agent of the exchange');

  const clients = new Set<string>();
  const fills = tx.orders.map((o, i) => {
    const client = bytesToHex(o.client);
    if (clients.has(client)) throw stateError('AGENCY_CLIENT_TWICE', 'a client has one order in a settlement', { order: i, client: uintToString(o.client) });
    clients.add(client);
    if (o.witnesses.length === 0) checkContinuation(ctx, tx, i);
    for (const s of ctx.orderSpent[i]) {
      if (!equalBytes(s.scriptHash, o.client)) {
        throw stateError('AGENCY_ORDER_INPUT_NOT_CLIENTS', "an order spends only its client's outputs", { order: i, client: uintToString(o.client) });
      }
    }
    const { buy, filled, value: paid } = orderFill(tx, o, ctx.orderSpent[i]); // units bought or sold; value paid (buy) or received (sell)
    const limit = buy ? o.amount : -o.amount;
    const data = { order: i, client: uintToString(o.client), filled: formatFixed8(filled), limit: formatFixed8(limit), value: formatFixed8(paid), price: formatFixed8(o.price) };
    if (filled <= 0n || filled > limit) throw stateError('AGENCY_OVERFILLED', 'an order is filled by more than its amount, or not at all', data);
    // Fixed8 x Fixed8: compare value x 10^8 with units x price, exactly.
    if (buy ? paid * FIXED8_ONE > filled * o.price : paid * FIXED8_ONE < filled * o.price) {
      throw stateError('AGENCY_PRICE_VIOLATED', buy ? 'a buyer pays above its limit price' : 'a seller gets below its limit price', data);
    }
    return { order: o, index: i, buy, partial: filled < limit, remainder: limit - filled };
  });

  const partial = fills.filter((f) => f.partial);
  if (partial.length > 1) throw stateError('AGENCY_TWO_PARTIAL', 'at most one order is partly filled', { orders: partial.map((f) => f.index) });
  const p = partial[0];
  if (p) {
    const side = fills.filter((f) => f.buy === p.buy);
    const worst = p.buy ? side.every((f) => f.order.price >= p.order.price) : side.every((f) => f.order.price <= p.order.price);
    if (!worst) throw stateError('AGENCY_PARTIAL_NOT_WORST', 'the partly filled order must carry the worst price of its side', { order: p.index });
  }
  const split = tx.splitOrder;
  const expected = p && { amount: p.buy ? p.remainder : -p.remainder, price: p.order.price, client: p.order.client };
  const same = !split && !expected
    || (split && expected && split.amount === expected.amount && split.price === expected.price && equalBytes(split.client, expected.client));
  if (!same) {
    throw stateError('AGENCY_SPLIT_ORDER_WRONG', 'the split order must be exactly the remainder of the partly filled order, and only then', {
      expected: expected ? { amount: formatFixed8(expected.amount), price: formatFixed8(expected.price), client: uintToString(expected.client) } : null,
    });
  }
}

/** The split order that an order without a witness continues: the one its inputs' transaction left standing. */
function continued(ctx: TxContext, tx: Agency, i: number): { key: string } {
  const o = tx.orders[i];
  const key = bytesToHex(o.inputs[0].prevHash);
  if (!o.inputs.every((input) => bytesToHex(input.prevHash) === key)) {
    throw stateError('AGENCY_NOT_A_CONTINUATION', 'an order without a signature spends the outputs of one transaction only: the one that left its split order', { order: i });
  }
  return { key };
}

/** An order without a witness must continue a standing split order exactly (see the top of this file). */
function checkContinuation(ctx: TxContext, tx: Agency, i: number): void {
  const o = tx.orders[i];
  const { key } = continued(ctx, tx, i);
  const split = ctx.ledger.splits.get(key);
  const data = { order: i, from: uintToString(o.inputs[0].prevHash), client: uintToString(o.client) };
  if (!split) throw stateError('AGENCY_NOT_A_CONTINUATION', 'an order without a signature must continue a split order, and that transaction left none standing', data);
  const same = equalBytes(split.agent, tx.agent) && equalBytes(split.assetId, tx.assetId) && equalBytes(split.valueAssetId, tx.valueAssetId)
    && equalBytes(split.client, o.client) && split.amount === o.amount && split.price === o.price;
  if (!same) {
    throw stateError('AGENCY_NOT_A_CONTINUATION', 'an order without a signature must be exactly the split order it continues: same agent, pair, client, amount and price', {
      ...data, split: { amount: formatFixed8(split.amount), price: formatFixed8(split.price), client: uintToString(split.client) },
    });
  }
}

/** Records the split order this transaction leaves standing, and forgets those it continued. */
export function applyAgency(ctx: TxContext, tx: Agency): void {
  tx.orders.forEach((o, i) => {
    if (o.witnesses.length === 0) ctx.ledger.splits.delete(continued(ctx, tx, i).key);
  });
  const s = tx.splitOrder;
  if (s) ctx.ledger.splits.set(ctx.hashHex, { agent: tx.agent, assetId: tx.assetId, valueAssetId: tx.valueAssetId, client: s.client, amount: s.amount, price: s.price });
}
