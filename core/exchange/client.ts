/**
 * The client's side of an order (the wallet, `ans`): which of its outputs an order spends, what
 * it may cost, and what it would get if the batch ran now. An order's inputs are reserved in the
 * wallet until it is filled, cancelled or expired (`reserved`), so that no payment the wallet
 * builds conflicts with it.
 */
import { formatFixed8 } from '../encoding/primitives.ts';
import type { Ledger } from '../state/ledger.ts';
import { outpointKey } from '../state/keys.ts';
import type { Order } from '../tx/order.ts';
import { exchangeError } from './errors.ts';
import { feeOn, valueOf } from './grid.ts';
import { buyCost, pairOf, type Pair } from './validate.ts';
import { buyerMax, clearingPrice, sellerMin } from './auction.ts';
import { askPriority, bidPriority, type BookEntry } from './book.ts';

export interface OrderRequest {
  readonly side: 'buy' | 'sell';
  /** Units of the asset (Fixed8). */
  readonly units: bigint;
  /** The limit price (Fixed8 of the value asset per unit). */
  readonly price: bigint;
  readonly assetId: Uint8Array;
  readonly valueAssetId: Uint8Array;
  readonly agent: Uint8Array;
  readonly client: Uint8Array;
}

/**
 * The unsigned order for `request`, spending the fewest of the client's unspent outputs (largest
 * first) of what its side gives, none of them `reserved` (outpoint keys of its standing orders
 * and pending payments). A coded error in plain words when it holds too little, or the amount or
 * price is off the pair's grid.
 */
export function orderFor(ledger: Ledger, request: OrderRequest, reserved: ReadonlySet<string> = new Set()): { order: Omit<Order, 'witnesses'>; pair: Pair; spends: string[] } {
  const pair = pairOf(ledger, request.assetId, request.valueAssetId);
  if (request.units <= 0n || request.price <= 0n) throw exchangeError('EXCHANGE_AMOUNT_INVALID', 'an order needs an amount and a price above zero', {});
  if (request.units % pair.grid.lot !== 0n || request.price % pair.grid.tick !== 0n) {
    throw exchangeError('EXCHANGE_OFF_GRID', `amounts go by ${formatFixed8(pair.grid.lot)} and prices by ${formatFixed8(pair.grid.tick)} in this pair`, { lot: formatFixed8(pair.grid.lot), tick: formatFixed8(pair.grid.tick) });
  }
  const gives = request.side === 'sell' ? request.assetId : request.valueAssetId;
  const needs = request.side === 'sell' ? request.units : buyCost(request.units, request.price);
  const free = ledger.unspent(request.client, gives)
    .filter((u) => !reserved.has(outpointKey(u.txHash, u.index)))
    .sort((a, b) => (a.output.value > b.output.value ? -1 : a.output.value < b.output.value ? 1 : 0));
  const inputs: { prevHash: Uint8Array; prevIndex: number }[] = [];
  let total = 0n;
  for (const u of free) {
    if (total >= needs) break;
    inputs.push({ prevHash: u.txHash, prevIndex: u.index });
    total += u.output.value;
  }
  if (total < needs) {
    throw exchangeError('EXCHANGE_UNDERFUNDED', request.side === 'sell'
      ? `you have ${formatFixed8(total)} free to sell; this order sells ${formatFixed8(needs)}`
      : `you have ${formatFixed8(total)} free to pay with; this order may cost ${formatFixed8(needs)}`, { holds: formatFixed8(total), needs: formatFixed8(needs) });
  }
  const order = {
    assetId: request.assetId, valueAssetId: request.valueAssetId, agent: request.agent, amount: request.side === 'buy' ? request.units : -request.units,
    price: request.price, client: request.client, inputs,
  };
  return { order, pair, spends: inputs.map((i) => outpointKey(i.prevHash, i.prevIndex)) };
}

/** What an order would do if the batch ran now against `bids` and `asks` (a quote, before signing). */
export interface Quote {
  /** The batch's price with this order in it, or none (nothing crosses). */
  readonly price?: bigint;
  /** Units this order would trade at that price (0 when none). */
  readonly units: bigint;
  /** Value paid (a buy) or received (a sell) for them, the fee included. */
  readonly value: bigint;
  readonly fee: bigint;
}

export function quote(bids: readonly BookEntry[], asks: readonly BookEntry[], mine: BookEntry, feeBps: number): Quote {
  const withMine = mine.side === 'buy' ? { bids: [...bids, mine], asks } : { bids, asks: [...asks, mine] };
  const sortBids = [...withMine.bids].sort(bidPriority);
  const sortAsks = [...withMine.asks].sort(askPriority);
  const c = clearingPrice(sortBids, sortAsks, feeBps, mine.pair.grid);
  if (!c) return { units: 0n, value: 0n, fee: 0n };
  // Fill by priority on my side up to the volume: what is ahead of me first.
  const side = mine.side === 'buy' ? sortBids.filter((e) => buyerMax(e.price, feeBps) >= c.price) : sortAsks.filter((e) => sellerMin(e.price, feeBps) <= c.price);
  let left = c.volume;
  let units = 0n;
  for (const e of side) {
    const q = e.units < left ? e.units : left;
    if (e === mine) units = q;
    left -= q;
  }
  const value = valueOf(units, c.price);
  const fee = feeOn(value, feeBps, mine.pair.valueUnit);
  return { price: c.price, units, value: mine.side === 'buy' ? value + fee : value - fee, fee };
}

/** Keys of the outputs an entry spends, as the wallet reserves them. */
export function reservedBy(entries: readonly { inputs: readonly { prevHash: Uint8Array; prevIndex: number }[] }[]): Set<string> {
  return new Set(entries.flatMap((e) => e.inputs.map((i) => outpointKey(i.prevHash, i.prevIndex))));
}
