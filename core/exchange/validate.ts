/**
 * An order placed with an agent, checked against the ledger before it enters the book (and its
 * inputs again after every block): the agent's, unexpired, with the fee it announced agreed to, a
 * real asset priced in a currency, amount and price on the pair's grid, inputs that exist, are
 * unspent, are the client's, of the side's asset, and cover the amount (a seller) or its value at
 * the limit price (a buyer), then both signatures. The cheap checks come first: a flood of bad
 * orders costs the agent no signature check. Each refusal is a coded error; nothing changes.
 */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { formatFixed8, uintToString } from '../encoding/primitives.ts';
import type { SignatureVerifier } from '../crypto/ecdsa.ts';
import type { Ledger } from '../state/ledger.ts';
import { outpointKey } from '../state/keys.ts';
import type { TransactionInput } from '../tx/io.ts';
import { exchangeError } from './errors.ts';
import { gridOf, unitOf, valueOf, type Grid } from './grid.ts';
import { MAX_FEE_BPS, placedOrderHash, verifyPlacedOrder, type PlacedOrder } from './terms.ts';

/** What an agent announces and holds its clients to. */
export interface AgentTerms {
  /** The network's magic (orders signed for another network are refused). */
  readonly magic: number;
  /** The agent's account (script hash). */
  readonly agent: Uint8Array;
  /** The fee it keeps, in basis points of the value traded (0..MAX_FEE_BPS). */
  readonly feeBps: number;
  /** The longest an order may stand, in blocks (default 100,000). */
  readonly maxLifetime?: number;
}

/** A pair: an asset and the currency it is priced in. */
export interface Pair {
  readonly assetId: Uint8Array;
  readonly valueAssetId: Uint8Array;
  /** `${asset hex}/${value asset hex}`. */
  readonly key: string;
  readonly grid: Grid;
  /** The value asset's smallest unit (Fixed8). */
  readonly valueUnit: bigint;
}

export function pairKey(assetId: Uint8Array, valueAssetId: Uint8Array): string {
  return `${bytesToHex(assetId)}/${bytesToHex(valueAssetId)}`;
}

/** The pair of an asset and a value asset on this ledger, or why it cannot be traded. */
export function pairOf(ledger: Ledger, assetId: Uint8Array, valueAssetId: Uint8Array): Pair {
  if (equalBytes(assetId, valueAssetId)) throw exchangeError('EXCHANGE_SAME_ASSET', 'an asset cannot be traded against itself', { assetId: uintToString(assetId) });
  const asset = ledger.assets.get(bytesToHex(assetId));
  if (!asset) throw exchangeError('EXCHANGE_ASSET_UNKNOWN', 'no asset with this id is registered', { assetId: uintToString(assetId) });
  const value = ledger.assets.get(bytesToHex(valueAssetId));
  if (!value) throw exchangeError('EXCHANGE_ASSET_UNKNOWN', 'no value asset with this id is registered', { assetId: uintToString(valueAssetId) });
  if (value.assetType !== 'Currency' && value.assetType !== 'AntCoin') {
    throw exchangeError('EXCHANGE_VALUE_NOT_CURRENCY', 'orders are priced in a currency (a Currency asset or AntCoin)', { valueAssetId: uintToString(valueAssetId), type: value.assetType });
  }
  return { assetId, valueAssetId, key: pairKey(assetId, valueAssetId), grid: gridOf(asset.precision, value.precision), valueUnit: unitOf(value.precision) };
}

/** An order that passed every check, with what the book needs of it. */
export interface CheckedOrder {
  readonly placed: PlacedOrder;
  readonly hash: Uint8Array;
  /** Hex of the hash: the order's id in the book. */
  readonly id: string;
  readonly side: 'buy' | 'sell';
  readonly pair: Pair;
  /** The outpoint keys its inputs spend (reserved while it stands). */
  readonly spends: readonly string[];
}

/** The most value a buy of `amount` at `price` may cost: what its inputs must cover. */
export function buyCost(amount: bigint, price: bigint): bigint {
  return valueOf(amount, price);
}

/**
 * The inputs of an order against the ledger now: each exists and is unspent, is the client's and
 * of the asset its side gives, none twice, and together they cover what the order may give.
 * Returns their outpoint keys.
 */
export function checkOrderInputs(ledger: Ledger, client: Uint8Array, side: 'buy' | 'sell', amount: bigint, price: bigint, inputs: readonly TransactionInput[], pair: Pair): string[] {
  const gives = side === 'sell' ? pair.assetId : pair.valueAssetId;
  const keys: string[] = [];
  let total = 0n;
  inputs.forEach((input, i) => {
    const key = outpointKey(input.prevHash, input.prevIndex);
    if (keys.includes(key)) throw exchangeError('EXCHANGE_INPUT_TWICE', 'the order names the same output twice', { input: i });
    keys.push(key);
    const u = ledger.utxos.get(key);
    const at = { input: i, tx: uintToString(input.prevHash), index: input.prevIndex };
    if (!u) throw exchangeError('EXCHANGE_INPUT_SPENT', 'an output the order spends is spent already, or never existed', at);
    if (!equalBytes(u.scriptHash, client)) throw exchangeError('EXCHANGE_INPUT_NOT_CLIENTS', "an output the order spends is not the client's", at);
    if (!equalBytes(u.assetId, gives)) {
      throw exchangeError('EXCHANGE_INPUT_WRONG_ASSET', side === 'sell' ? 'a sell order spends outputs of the asset it sells' : 'a buy order spends outputs of the currency it pays with', at);
    }
    total += u.value;
  });
  const needed = side === 'sell' ? -amount : buyCost(amount, price);
  if (total < needed) {
    throw exchangeError('EXCHANGE_UNDERFUNDED', side === 'sell' ? 'the outputs the order spends hold fewer units than it sells' : 'the outputs the order spends hold less than it may pay', {
      holds: formatFixed8(total), needs: formatFixed8(needed),
    });
  }
  return keys;
}

/**
 * Every check of a placed order before the agent's book takes it, at the ledger's tip. The book's
 * own checks (a duplicate, inputs another standing order reserves) are the book's.
 */
export async function checkPlacedOrder(p: PlacedOrder, ledger: Ledger, terms: AgentTerms, verifier?: SignatureVerifier): Promise<CheckedOrder> {
  const o = p.order;
  if (!equalBytes(o.agent, terms.agent)) {
    throw exchangeError('EXCHANGE_WRONG_AGENT', 'this order names another agent', { agent: uintToString(o.agent), here: uintToString(terms.agent) });
  }
  const next = ledger.height + 1;
  if (p.expires <= next) throw exchangeError('EXCHANGE_ORDER_EXPIRED', `the order expired at block ${p.expires}; the next block is ${next}`, { expires: p.expires, next });
  const lifetime = terms.maxLifetime ?? 100_000;
  if (p.expires > next + lifetime) throw exchangeError('EXCHANGE_ORDER_TOO_LONG', `an order may stand ${lifetime} blocks at most here`, { expires: p.expires, latest: next + lifetime });
  if (p.maxFeeBps > MAX_FEE_BPS || p.maxFeeBps < terms.feeBps) {
    throw exchangeError('EXCHANGE_FEE_NOT_AGREED', `this agent keeps ${terms.feeBps / 100}% of the value traded; the order agrees to ${p.maxFeeBps / 100}%`, { feeBps: terms.feeBps, agreed: p.maxFeeBps });
  }
  const pair = pairOf(ledger, o.assetId, o.valueAssetId);
  if (o.amount === 0n || o.price <= 0n) throw exchangeError('EXCHANGE_AMOUNT_INVALID', 'an order needs an amount and a price above zero', { amount: formatFixed8(o.amount), price: formatFixed8(o.price) });
  const units = o.amount < 0n ? -o.amount : o.amount;
  if (units % pair.grid.lot !== 0n || o.price % pair.grid.tick !== 0n) {
    throw exchangeError('EXCHANGE_OFF_GRID', `amounts go by ${formatFixed8(pair.grid.lot)} and prices by ${formatFixed8(pair.grid.tick)} in this pair`, {
      amount: formatFixed8(units), price: formatFixed8(o.price), lot: formatFixed8(pair.grid.lot), tick: formatFixed8(pair.grid.tick),
    });
  }
  const side = o.amount > 0n ? 'buy' : 'sell';
  const spends = checkOrderInputs(ledger, o.client, side, o.amount, o.price, o.inputs, pair);
  await verifyPlacedOrder(p, terms.magic, verifier);
  const hash = placedOrderHash(p);
  return { placed: p, hash, id: bytesToHex(hash), side, pair, spends };
}
