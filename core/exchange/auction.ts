/**
 * The matching engine: a periodic batch auction per pair (one per block interval by default), as
 * CoW Protocol's: all the orders standing when the batch closes trade at one clearing price.
 *
 * Why one price leaves the agent nothing to gain by ordering its clients' orders: in a continuous
 * book, who arrives first trades first and at the price the last trade left, so an operator that
 * can reorder (or insert its own order before a client's) picks who gets which price, and profits
 * from seeing an order before it executes. In a batch, every order that trades trades at the same
 * price p*, chosen from the whole batch by a fixed rule (the most volume; then the least
 * imbalance; then a fixed side of the tie), so the order in which the agent received or processes
 * the orders changes no one's price. What the order could still decide, who gets the last units
 * when one side has more than the other, follows a fixed priority: the better limit price first,
 * then the earlier place in the book (`seq`, published and signed with the book before the batch),
 * and `ans agent audit` checks every fill against it. An agent trading for itself joins the batch
 * like anyone, at the same p*.
 *
 * The agent's fee (fee bps of the value) comes out of each client's limit: a buyer trades at p*
 * only if p* plus the fee stays within its limit; a seller only if p* minus the fee does. So
 * every fill passes the ledger's own check (rules/agency.ts: no buyer pays above its limit, no
 * seller gets below) whatever the fee's rounding.
 */
import { bytesToHex } from '../encoding/bytes.ts';
import { CompactOrder } from '../tx/order.ts';
import type { BookEntry } from './book.ts';
import type { Grid } from './grid.ts';

/** A batch's clearing: its price and the units each order trades (by entry id), or none. */
export interface Clearing {
  readonly price: bigint;
  /** Units traded on each side (equal). */
  readonly volume: bigint;
}

/** The highest price a buyer with `limit` trades at, the fee added (exact: p x (1 + fee) <= limit). */
export function buyerMax(limit: bigint, feeBps: number): bigint {
  return (limit * 10_000n) / (10_000n + BigInt(feeBps));
}

/** The lowest price a seller with `limit` trades at, the fee taken (exact: p x (1 - fee) >= limit). */
export function sellerMin(limit: bigint, feeBps: number): bigint {
  const d = 10_000n - BigInt(feeBps);
  return (limit * 10_000n + d - 1n) / d;
}

const floorTo = (p: bigint, tick: bigint) => p - (p % tick);
const ceilTo = (p: bigint, tick: bigint) => (p % tick === 0n ? p : p - (p % tick) + tick);

/**
 * The clearing price of a batch (bids and asks of one pair), on the pair's price grid: the price
 * with the most units traded; among those, the least imbalance between what is bid and asked;
 * then the highest such price when buyers are left over, the lowest when sellers are, the lower
 * middle one when neither. None when no bid meets an ask.
 */
export function clearingPrice(bids: readonly BookEntry[], asks: readonly BookEntry[], feeBps: number, grid: Grid): Clearing | undefined {
  const buyers = bids.map((b) => ({ max: floorTo(buyerMax(b.price, feeBps), grid.tick), units: b.units })).filter((b) => b.max > 0n);
  const sellers = asks.map((s) => ({ min: ceilTo(sellerMin(s.price, feeBps), grid.tick), units: s.units }));
  if (!buyers.length || !sellers.length) return undefined;
  const candidates = [...new Set([...buyers.map((b) => b.max), ...sellers.map((s) => s.min)])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Demand at p: buyers whose max >= p; supply: sellers whose min <= p. Both by running sums over the sorted candidates.
  buyers.sort((a, b) => (a.max < b.max ? -1 : a.max > b.max ? 1 : 0));
  sellers.sort((a, b) => (a.min < b.min ? -1 : a.min > b.min ? 1 : 0));
  let demand = buyers.reduce((a, b) => a + b.units, 0n);
  let supply = 0n;
  let bi = 0;
  let si = 0;
  const scored: { price: bigint; volume: bigint; imbalance: bigint; excess: number }[] = [];
  for (const p of candidates) {
    while (bi < buyers.length && buyers[bi].max < p) demand -= buyers[bi++].units;
    while (si < sellers.length && sellers[si].min <= p) supply += sellers[si++].units;
    const volume = demand < supply ? demand : supply;
    if (volume > 0n) scored.push({ price: p, volume, imbalance: demand > supply ? demand - supply : supply - demand, excess: demand > supply ? 1 : demand < supply ? -1 : 0 });
  }
  if (!scored.length) return undefined;
  const most = scored.reduce((m, s) => (s.volume > m ? s.volume : m), 0n);
  const best = scored.filter((s) => s.volume === most);
  const least = best.reduce((m, s) => (s.imbalance < m ? s.imbalance : m), best[0].imbalance);
  const tied = best.filter((s) => s.imbalance === least);
  const excess = tied[0].excess;
  const pick = excess > 0 ? tied[tied.length - 1] : excess < 0 ? tied[0] : tied[Math.floor((tied.length - 1) / 2)];
  return { price: pick.price, volume: most };
}

/** One settlement: the orders it fills, by how many units, and the one partly filled (if any). */
export interface SettlementPlan {
  readonly price: bigint;
  readonly fills: readonly { entry: BookEntry; units: bigint }[];
  /** The entry filled only in part (its remainder becomes the split order). */
  readonly partial?: BookEntry;
}

/** Bytes an entry adds to a settlement: its compact order and the client's two outputs at most. */
export function entryBytes(e: BookEntry): number {
  return CompactOrder.encode({ amount: e.amount, price: e.price, client: e.client, inputs: [...e.inputs], witnesses: [...e.witnesses] }).length + 2 * 61;
}

/**
 * The settlements of a batch at its clearing price: bids and asks (best first) paired in priority
 * order until one side runs out, in transactions of at most `budget` bytes of orders (and one
 * client once each). Each transaction fills every order it holds in full but the last one touched
 * when it closes, so that the chain's rule (at most one partial fill, at the worst price of its
 * side) holds by construction. An order cut at a transaction's end has its remainder stand as a
 * split order for the next batch (it cannot appear in two transactions of one block: the pool
 * takes no transaction spending another's outputs).
 */
export function planSettlements(bids: readonly BookEntry[], asks: readonly BookEntry[], clearing: Clearing, feeBps: number, budget: number): SettlementPlan[] {
  const p = clearing.price;
  const b = bids.filter((e) => buyerMax(e.price, feeBps) >= p).map((entry) => ({ entry, left: entry.units }));
  const s = asks.filter((e) => sellerMin(e.price, feeBps) <= p).map((entry) => ({ entry, left: entry.units }));
  const plans: SettlementPlan[] = [];
  let bi = 0;
  let si = 0;
  while (bi < b.length && si < s.length) {
    const fills = new Map<string, { entry: BookEntry; units: bigint }>();
    const clients = new Set<string>();
    let bytes = 0;
    let partial: BookEntry | undefined;
    const room = (e: BookEntry) => fills.has(e.id) || (!clients.has(key(e)) && bytes + entryBytes(e) <= budget);
    const take = (e: BookEntry, units: bigint) => {
      const f = fills.get(e.id);
      if (f) f.units += units;
      else {
        fills.set(e.id, { entry: e, units });
        clients.add(key(e));
        bytes += entryBytes(e);
      }
    };
    while (bi < b.length && si < s.length) {
      const buy = b[bi];
      const sell = s[si];
      if (!room(buy.entry) || !room(sell.entry) || (!fills.has(buy.entry.id) && !fills.has(sell.entry.id) && !room2(buy.entry, sell.entry))) break;
      const q = buy.left < sell.left ? buy.left : sell.left;
      take(buy.entry, q);
      take(sell.entry, q);
      buy.left -= q;
      sell.left -= q;
      if (buy.left === 0n) bi++;
      if (sell.left === 0n) si++;
    }
    if (fills.size === 0) {
      // Nothing fitted: the two heads are one client's (its own buy and sell: it does not trade
      // with itself; the later of the two waits), or one order alone is larger than a settlement.
      const buy = b[bi].entry;
      const sell = s[si].entry;
      if (key(buy) === key(sell)) {
        if (buy.seq > sell.seq) bi++;
        else si++;
      } else if (entryBytes(buy) > budget) bi++;
      else si++;
      continue;
    }
    // The order touched last and not finished is the partial one; it leaves this batch.
    const open = [b[bi], s[si]].find((x) => x && x.left > 0n && fills.has(x.entry.id));
    if (open) {
      partial = open.entry;
      if (open === b[bi]) bi++;
      else si++;
    }
    plans.push({ price: p, fills: [...fills.values()], partial });
    function room2(x: BookEntry, y: BookEntry): boolean {
      return key(x) !== key(y) && bytes + entryBytes(x) + entryBytes(y) <= budget;
    }
  }
  return plans;
}

const key = (e: BookEntry) => bytesToHex(e.client);
