/**
 * An agent's order book: the standing orders of each pair, bids and asks, each with the book's
 * sequence number (its place in time, published with it, so that priority can be audited). An
 * entry is either a placed order (the client's signature and terms) or a split order the chain
 * left standing after a partial fill (no new signature: docs/protocol.md, "Split orders"). Each
 * output an entry spends is reserved: no two standing entries spend the same output.
 */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { formatFixed8, uintToString } from '../encoding/primitives.ts';
import type { Ledger } from '../state/ledger.ts';
import { outpointKey } from '../state/keys.ts';
import type { TransactionInput, Witness } from '../tx/io.ts';
import { exchangeError } from './errors.ts';
import type { PlacedOrder } from './terms.ts';
import type { CheckedOrder, Pair } from './validate.ts';

export interface BookEntry {
  /** The order's hash (hex); a split order's: `split:` and the hash of the transaction that left it. */
  readonly id: string;
  /** The placed order it comes from (for a split order: the one first placed). */
  readonly origin: string;
  readonly pair: Pair;
  readonly side: 'buy' | 'sell';
  readonly client: Uint8Array;
  /** The limit price (Fixed8 per unit). */
  readonly price: bigint;
  /** Units still wanted (> 0). */
  readonly units: bigint;
  /** The amount as the order states it on chain (> 0 buys, < 0 sells): `units` for a placed order's first fill, the split order's otherwise. */
  readonly amount: bigint;
  readonly inputs: readonly TransactionInput[];
  /** The client's witness of the order; none for a split order. */
  readonly witnesses: readonly Witness[];
  readonly expires: number;
  readonly maxFeeBps: number;
  /** The book's sequence number: time priority. */
  readonly seq: number;
  /** Outpoint keys of its inputs (reserved). */
  readonly spends: readonly string[];
  /** The placed order (a placed entry only). */
  readonly placed?: PlacedOrder;
}

export class OrderBook {
  readonly #entries = new Map<string, BookEntry>();
  /** Outpoint key -> id of the entry that spends it. */
  readonly #reserved = new Map<string, string>();
  #seq = 0;

  /** A checked placed order enters the book, or a coded error says why it cannot. */
  add(o: CheckedOrder): BookEntry {
    if (this.#entries.has(o.id)) throw exchangeError('EXCHANGE_DUPLICATE', 'this order is in the book already', { order: o.id });
    this.#checkFree(o.spends);
    const order = o.placed.order;
    // Self-trade prevention: a client's buy and sell of one pair never cross (it would only pay
    // the fee to trade with itself, and the batch could not settle it).
    for (const e of this.#entries.values()) {
      if (e.pair.key !== o.pair.key || e.side === o.side || !equalBytes(e.client, order.client)) continue;
      const crosses = o.side === 'buy' ? order.price >= e.price : order.price <= e.price;
      if (crosses) throw exchangeError('EXCHANGE_SELF_TRADE', `this order would trade with your own standing ${e.side} order at ${formatFixed8(e.price)}: cancel that one first`, { order: e.origin });
    }
    return this.#put(placedEntry(o.placed, o.id, o.pair, ++this.#seq));
  }

  /**
   * The split order a settlement left standing (once its transaction is in a block): the
   * remainder of `from`, spending the outputs of transaction `txHash` to the client that hold it.
   * It keeps the original's place in time (`seq`).
   */
  addSplit(from: BookEntry, txHash: Uint8Array, amount: bigint, inputs: readonly TransactionInput[]): BookEntry {
    const spends = inputs.map((i) => outpointKey(i.prevHash, i.prevIndex));
    this.#checkFree(spends);
    return this.#put({
      ...from, id: `split:${bytesToHex(txHash)}`, units: amount < 0n ? -amount : amount, amount, inputs, witnesses: [], spends, placed: undefined,
    });
  }

  #checkFree(spends: readonly string[]): void {
    for (const s of spends) {
      const other = this.#reserved.get(s);
      if (other) throw exchangeError('EXCHANGE_INPUTS_IN_USE', 'another standing order spends one of these outputs: cancel it first', { output: s, order: other });
    }
  }

  #put(e: BookEntry): BookEntry {
    this.#entries.set(e.id, e);
    for (const s of e.spends) this.#reserved.set(s, e.id);
    this.#seq = Math.max(this.#seq, e.seq);
    return e;
  }

  /** Restores an entry as it was (a book read back from disk keeps its ids and sequence numbers). */
  restore(e: BookEntry): void {
    this.#put(e);
  }

  get(id: string): BookEntry | undefined {
    return this.#entries.get(id);
  }

  /** Takes an entry out (filled, cancelled, expired, its inputs spent); returns it. */
  remove(id: string): BookEntry | undefined {
    const e = this.#entries.get(id);
    if (!e) return undefined;
    this.#entries.delete(id);
    for (const s of e.spends) if (this.#reserved.get(s) === id) this.#reserved.delete(s);
    return e;
  }

  /** The entry standing for a placed order: itself, or the split order it became. */
  standingFor(origin: string): BookEntry | undefined {
    for (const e of this.#entries.values()) if (e.origin === origin) return e;
    return undefined;
  }

  get size(): number {
    return this.#entries.size;
  }

  entries(): BookEntry[] {
    return [...this.#entries.values()];
  }

  /** The pairs with standing orders. */
  pairs(): Pair[] {
    const seen = new Map<string, Pair>();
    for (const e of this.#entries.values()) seen.set(e.pair.key, e.pair);
    return [...seen.values()];
  }

  /** Bids (best first: highest price, then earliest) and asks (lowest price, then earliest) of a pair. */
  sides(pairKey: string): { bids: BookEntry[]; asks: BookEntry[] } {
    const bids: BookEntry[] = [];
    const asks: BookEntry[] = [];
    for (const e of this.#entries.values()) if (e.pair.key === pairKey) (e.side === 'buy' ? bids : asks).push(e);
    bids.sort(bidPriority);
    asks.sort(askPriority);
    return { bids, asks };
  }

  /**
   * After a block: drops the entries that expired (the next block is at or past their expiry) or
   * whose inputs are no longer all unspent (spent by the client: the final cancel; or by a
   * settlement, which the agent accounts for before calling this). Returns what was dropped and why.
   */
  afterBlock(ledger: Ledger): { id: string; origin: string; why: 'expired' | 'inputs-spent' }[] {
    const dropped: { id: string; origin: string; why: 'expired' | 'inputs-spent' }[] = [];
    const next = ledger.height + 1;
    for (const e of [...this.#entries.values()]) {
      const why = e.expires <= next ? 'expired' : e.spends.some((s) => !ledger.utxos.has(s)) ? 'inputs-spent' : undefined;
      if (why) {
        this.remove(e.id);
        dropped.push({ id: e.id, origin: e.origin, why });
      }
    }
    return dropped;
  }
}

/** Best bids first: the highest price, then the earliest in the book. */
export const bidPriority = (a: BookEntry, b: BookEntry): number => (a.price === b.price ? a.seq - b.seq : a.price > b.price ? -1 : 1);
/** Best asks first: the lowest price, then the earliest in the book. */
export const askPriority = (a: BookEntry, b: BookEntry): number => (a.price === b.price ? a.seq - b.seq : a.price < b.price ? -1 : 1);

/** The book entry of a placed order (`id`: its hash, hex) at place `seq`. */
export function placedEntry(placed: PlacedOrder, id: string, pair: Pair, seq: number): BookEntry {
  const o = placed.order;
  return {
    id, origin: id, pair, side: o.amount > 0n ? 'buy' : 'sell', client: o.client, price: o.price, units: o.amount < 0n ? -o.amount : o.amount, amount: o.amount,
    inputs: o.inputs, witnesses: o.witnesses, expires: placed.expires, maxFeeBps: placed.maxFeeBps, seq,
    spends: o.inputs.map((i) => outpointKey(i.prevHash, i.prevIndex)), placed,
  };
}

/** An entry in plain words, for logs and errors. */
export function describeEntry(e: BookEntry): string {
  return `${e.side} ${e.units} at ${e.price} by ${uintToString(e.client)} (${e.id.slice(0, 14)})`;
}
