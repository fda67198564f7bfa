/**
 * An amount typed by a person, read for an asset: the value in Fixed8 units, or what is wrong
 * with it, precisely enough to say so (not a number, negative, zero, more decimals than the asset
 * has, beyond what any amount can be, more than the balance). Full-width digits and a full-width
 * point (typed with a Chinese input method) read as ASCII.
 */
import { FIXED8_ONE } from '../encoding/primitives.ts';
import { MAX_PRECISION, precisionUnit } from '../tx/register.ts';

/** The most units a Fixed8 amount holds (a signed 64-bit integer). */
const MAX_UNITS = (1n << 63n) - 1n;

export type AmountProblem =
  | { readonly problem: 'empty' }
  | { readonly problem: 'not-a-number' }
  | { readonly problem: 'negative' }
  | { readonly problem: 'zero' }
  /** More decimals than the asset's precision allows; `decimals`: how many it allows. */
  | { readonly problem: 'too-precise'; readonly decimals: number }
  | { readonly problem: 'too-large' }
  /** More than `balance` (units) of the asset. */
  | { readonly problem: 'above-balance'; readonly balance: bigint };

export type AmountReading = { readonly value: bigint } | AmountProblem;

/** Reads `text` as an amount of an asset with `precision` decimals (AntShare 0, AntCoin 8); above `balance` when one is given. */
export function readAmount(text: string, options: { readonly precision?: number; readonly balance?: bigint } = {}): AmountReading {
  const precision = options.precision ?? MAX_PRECISION;
  const clean = text.normalize('NFKC').replace(/\u3002/g, '.').trim();
  if (clean === '') return { problem: 'empty' };
  const m = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(clean);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return { problem: 'not-a-number' };
  const [, sign, whole, fraction = ''] = m;
  const digits = fraction.replace(/0+$/, '');
  if (digits.length > MAX_PRECISION) return sign === '-' ? { problem: 'negative' } : { problem: 'too-precise', decimals: precision };
  const wholeUnits = BigInt(whole === '' ? '0' : whole);
  if (wholeUnits > MAX_UNITS / FIXED8_ONE) return sign === '-' ? { problem: 'negative' } : { problem: 'too-large' };
  const value = wholeUnits * FIXED8_ONE + BigInt(digits.padEnd(MAX_PRECISION, '0'));
  if (value > MAX_UNITS) return { problem: 'too-large' };
  if (sign === '-' && value > 0n) return { problem: 'negative' };
  if (value === 0n) return { problem: 'zero' };
  if (value % precisionUnit(precision) !== 0n) return { problem: 'too-precise', decimals: precision };
  if (options.balance !== undefined && value > options.balance) return { problem: 'above-balance', balance: options.balance };
  return { value };
}
