/**
 * AntCoin distribution (whitepaper 5.2.5, docs/protocol.md "AntCoin, fees, election"): each
 * block creates (100,000,000 - issued before it) x 2.4297257e-7 AntCoin, burned service fees
 * counting as not issued, and gives it to one AntShare holder drawn by the block's random number.
 */
import { FIXED8_ONE, uintToString } from '../encoding/primitives.ts';

/** All AntCoin there will ever be, in Fixed8 units. */
export const ANTCOIN_TOTAL = 100_000_000n * FIXED8_ONE;
/** 2.4297257e-7 = 24,297,257 / 10^14. */
const RATE_NUMERATOR = 24_297_257n;
const RATE_DENOMINATOR = 100_000_000_000_000n;

/** New AntCoin of the next block, in units, rounded down: exact and the same on every node. */
export function newAntCoin(minted: bigint, burned: bigint): bigint {
  const remaining = ANTCOIN_TOTAL - (minted - burned);
  return (remaining * RATE_NUMERATOR) / RATE_DENOMINATOR;
}

/**
 * The AntShare holder the random number `r` draws: r mod (total AntShare, in whole shares), then
 * walking the holders in ascending script-hash order (UInt160 order) over their balances. Every
 * node holds the same balances before the block, so every node draws the same holder.
 * `holders` maps a script hash (raw hex) to its AntShare units; returns null when nobody holds any.
 */
export function drawHolder(holders: ReadonlyMap<string, { scriptHash: Uint8Array; units: bigint }>, r: bigint): Uint8Array | null {
  const list = [...holders.values()].filter((h) => h.units > 0n).map((h) => ({ ...h, order: uintToString(h.scriptHash) }));
  list.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  const total = list.reduce((sum, h) => sum + h.units / FIXED8_ONE, 0n);
  if (total === 0n) return null;
  let target = r % total;
  for (const h of list) {
    const shares = h.units / FIXED8_ONE;
    if (target < shares) return h.scriptHash;
    target -= shares;
  }
  throw new Error('unreachable: the target is below the total');
}
