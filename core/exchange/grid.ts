/**
 * The price grid of a pair: the smallest step of an order's amount (the lot) and of its price (the
 * tick), chosen so that every amount x price is a whole number of the value asset's smallest unit.
 * Then no settlement rounds: what a buyer pays and a seller gets at the clearing price is exact, and
 * no dust is left for anyone to keep (docs/exchange.md, "Grid").
 *
 * With the value asset's precision v and the asset's a (decimal places), the tick has
 * min(v, 4) places and the lot min(a, v - tick places): value = lot x tick has at most v places.
 * A Share (a = 0) for a yuan currency (v = 2): whole shares, prices in fen (0.01). AntShare for
 * AntCoin (a = 0, v = 8): whole units, prices to 0.0001 (the original AntShares' own rule: amounts
 * and prices to 10^-4 for assets of 8 places).
 */
import { FIXED8_ONE } from '../encoding/primitives.ts';

export interface Grid {
  /** Smallest step of an amount, in Fixed8 units (10^8 is one unit of the asset). */
  readonly lot: bigint;
  /** Smallest step of a price, in Fixed8 units of the value asset per unit. */
  readonly tick: bigint;
}

const pow10 = (n: number) => 10n ** BigInt(n);

/** The grid of a pair, from the precisions (0..8) of its asset and of its value asset. */
export function gridOf(assetPrecision: number, valuePrecision: number): Grid {
  const tickPlaces = Math.min(valuePrecision, 4);
  const lotPlaces = Math.max(0, Math.min(assetPrecision, valuePrecision - tickPlaces));
  return { lot: pow10(8 - lotPlaces), tick: pow10(8 - tickPlaces) };
}

/** Value (Fixed8) of `units` (Fixed8) at `price` (Fixed8 per unit): exact on the grid. */
export function valueOf(units: bigint, price: bigint): bigint {
  return (units * price) / FIXED8_ONE;
}

/**
 * The agent's fee on a value, in basis points, rounded down to the value asset's smallest unit
 * (`unit`, Fixed8): the client never pays a fraction more than it agreed to.
 */
export function feeOn(value: bigint, feeBps: number, unit: bigint): bigint {
  const raw = (value * BigInt(feeBps)) / 10_000n;
  return raw - (raw % unit);
}

/** The value asset's smallest unit (Fixed8) for its precision. */
export function unitOf(precision: number): bigint {
  return pow10(8 - precision);
}
