/**
 * Auditing an agent without trusting it (docs/exchange.md, "Auditing"): its signed book replayed
 * against what the chain holds. Findings:
 * - `price`: a fill worse than its settlement's clearing price p*, with the fee the client signed
 *   for allowed: a seller paid less, or a buyer charged more, than p* and that fee give;
 * - `two-prices`: a fill better than p* for its client (harmless to it, but a batch has one
 *   price: the published price is not the one the settlement used);
 * - `after-cancel`: an order settled in a block more than two after the one its cancel was
 *   published at (one already sent when the cancel came may land in the next two);
 * - `expired`: an order settled at or after its expiry;
 * - `unpublished`: a settlement on chain the book does not list, or an order in one that the book
 *   never published;
 * - `crossing`: orders of different clients, published standing at the book's height in one
 *   pair, that cross (the fee included) and were placed at least two blocks before: a batch
 *   should have matched them.
 * The chain already guarantees the rest (every limit, every signature, at most one partial fill).
 */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { FIXED8_ONE, formatFixed8, uintToString } from '../encoding/primitives.ts';
import type { Transaction } from '../tx/transaction.ts';
import type { TransactionOutput } from '../tx/io.ts';
import { orderHash, expandOrder } from '../tx/order.ts';
import { orderFill } from '../tx/agency.ts';
import { buyerMax, sellerMin } from './auction.ts';
import type { PublishedBook } from './announce.ts';
import type { PlacedOrder } from './terms.ts';

type Agency = Extract<Transaction, { type: 'AgencyTransaction' }>;

export interface Finding {
  readonly kind: 'price' | 'two-prices' | 'after-cancel' | 'expired' | 'unpublished' | 'crossing';
  readonly message: string;
  readonly tx?: string;
  readonly order?: string;
}

export interface AuditInput {
  readonly book: PublishedBook;
  /** The agent's settlements on chain (every AgencyTransaction naming it), with their heights and hashes. */
  readonly onChain: readonly { readonly tx: Agency; readonly hash: Uint8Array; readonly height: number }[];
  /** The output an input spent (from the chain). */
  readonly outputOf: (prevHash: Uint8Array, prevIndex: number) => TransactionOutput | undefined;
  /** The agent's announced fee. */
  readonly feeBps: number;
  /** Blocks a standing order may wait before crossing orders count as unmatched (default 2). */
  readonly graceBlocks?: number;
}

export function audit(input: AuditInput): Finding[] {
  const { book } = input;
  const findings: Finding[] = [];
  const placed = new Map<string, { order: PlacedOrder }>();
  for (const o of book.orders) placed.set(bytesToHex(orderHash(o.order.order)), { order: o.order });
  for (const o of book.history) placed.set(bytesToHex(orderHash(o.order)), { order: o });
  const splitOrigin = new Map<string, string>();
  for (const s of book.splits) for (const i of s.inputs) splitOrigin.set(bytesToHex(i.prevHash), bytesToHex(s.origin));
  const cancels = new Map(book.cancels.map((c) => [bytesToHex(c.cancel.order), c.height]));
  const listed = new Map(book.settlements.map((s) => [bytesToHex(s.tx), s]));
  // The split order a continuation fills came from the settlement that left it: its origin is that one's partial order's.
  const originOfSplit = new Map<string, string>();

  for (const { tx, hash, height } of [...input.onChain].sort((a, b) => a.height - b.height)) {
    const id = bytesToHex(hash);
    const record = listed.get(id);
    if (!record) {
      findings.push({ kind: 'unpublished', tx: uintToString(hash), message: `settlement ${uintToString(hash)} (block ${height}) is not in the agent's published book` });
      continue;
    }
    const p = record.price;
    const implied: bigint[] = [];
    let partialOrigin: string | undefined;
    tx.orders.forEach((o, i) => {
      const full = expandOrder(tx, o);
      const origin = o.witnesses.length ? bytesToHex(orderHash(full)) : originOfSplit.get(bytesToHex(o.inputs[0].prevHash)) ?? splitOrigin.get(bytesToHex(o.inputs[0].prevHash));
      const terms = origin ? placed.get(origin)?.order : undefined;
      const label = origin ? `order ${origin.slice(0, 16)}` : `order ${i}`;
      if (!terms) {
        findings.push({ kind: 'unpublished', tx: uintToString(hash), order: origin, message: `${label} in settlement ${uintToString(hash)} was never published in the book` });
        return;
      }
      // The client's flows in this settlement (the outputs its order spent, read from the chain).
      const spent = o.inputs.map((i) => input.outputOf(i.prevHash, i.prevIndex)).filter((x): x is TransactionOutput => x !== undefined);
      const { buy, filled, value } = orderFill(tx, o, spent); // value paid, or received
      if (filled <= 0n) return;
      const atPrice = (filled * p) / FIXED8_ONE;
      const fee = buy ? value - atPrice : atPrice - value;
      const allowed = (atPrice * BigInt(terms.maxFeeBps)) / 10_000n;
      if (fee < 0n) {
        // Better than p* for the client: no harm to it, but a batch has one price.
        implied.push((value * FIXED8_ONE) / filled);
      } else if (fee > allowed) {
        findings.push({
          kind: 'price', tx: uintToString(hash), order: origin,
          message: `${label} ${buy ? 'paid' : 'got'} ${formatFixed8(value)} for ${formatFixed8(filled)} units in a batch at ${formatFixed8(p)}: ${buy ? 'more' : 'less'} than that price with the ${terms.maxFeeBps / 100}% fee the client agreed to allows (${formatFixed8(buy ? atPrice + allowed : atPrice - allowed)})`,
        });
      }
      const cancelledAt = cancels.get(origin!);
      if (cancelledAt !== undefined && height > cancelledAt + 2) {
        findings.push({ kind: 'after-cancel', tx: uintToString(hash), order: origin, message: `${label} was cancelled at block ${cancelledAt} and settled in block ${height}` });
      }
      if (height >= terms.expires) findings.push({ kind: 'expired', tx: uintToString(hash), order: origin, message: `${label} expired at block ${terms.expires} and was settled in block ${height}` });
      if (tx.splitOrder && equalBytes(tx.splitOrder.client, o.client)) partialOrigin = origin;
    });
    if (implied.length) findings.push({ kind: 'two-prices', tx: uintToString(hash), message: `settlement ${uintToString(hash)} fills some orders at prices other than its clearing price ${formatFixed8(p)}` });
    if (partialOrigin) originOfSplit.set(id, partialOrigin);
  }

  // Crossing orders left standing.
  const grace = input.graceBlocks ?? 2;
  // Orders placed at least `grace` blocks before the book's height have been through a batch.
  const old = book.orders.filter((o) => o.height + grace <= book.height && o.order.expires > book.height + 1).map((o) => o.order.order);
  for (const b of old.filter((o) => o.amount > 0n)) {
    for (const s of old.filter((o) => o.amount < 0n)) {
      if (!equalBytes(b.assetId, s.assetId) || !equalBytes(b.valueAssetId, s.valueAssetId) || equalBytes(b.client, s.client)) continue;
      if (buyerMax(b.price, input.feeBps) >= sellerMin(s.price, input.feeBps)) {
        findings.push({ kind: 'crossing', order: bytesToHex(orderHash(b)), message: `a buy at ${formatFixed8(b.price)} and a sell at ${formatFixed8(s.price)} cross and stand unmatched at block ${book.height}` });
      }
    }
  }
  return findings;
}
