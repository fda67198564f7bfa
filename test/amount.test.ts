import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFixed8, parseFixed8 } from '../core/encoding/index.ts';
import { readAmount } from '../core/wallet/index.ts';

describe('amounts as people type them (issue 16)', () => {
  it('says what is wrong, one problem per kind, for the asset in question', () => {
    expect(readAmount('')).toEqual({ problem: 'empty' });
    expect(readAmount('abc')).toEqual({ problem: 'not-a-number' });
    expect(readAmount('1.2.3')).toEqual({ problem: 'not-a-number' });
    expect(readAmount('.')).toEqual({ problem: 'not-a-number' });
    expect(readAmount('1e5')).toEqual({ problem: 'not-a-number' });
    expect(readAmount('-1')).toEqual({ problem: 'negative' });
    expect(readAmount('-0.000000001')).toEqual({ problem: 'negative' });
    expect(readAmount('0')).toEqual({ problem: 'zero' });
    expect(readAmount('0.000')).toEqual({ problem: 'zero' });
    expect(readAmount('1.123456789')).toEqual({ problem: 'too-precise', decimals: 8 });
    expect(readAmount('1.5', { precision: 0 })).toEqual({ problem: 'too-precise', decimals: 0 });
    expect(readAmount('1.25', { precision: 1 })).toEqual({ problem: 'too-precise', decimals: 1 });
    expect(readAmount('99999999999999999999')).toEqual({ problem: 'too-large' });
    expect(readAmount('12', { balance: 10n * 10n ** 8n })).toEqual({ problem: 'above-balance', balance: 10n * 10n ** 8n });
  });

  it('reads what parseFixed8 reads, and full-width digits and points as typed with a Chinese input method', () => {
    expect(readAmount('１２．５')).toEqual({ value: 1_250_000_000n });
    expect(readAmount('12。5')).toEqual({ value: 1_250_000_000n });
    expect(readAmount(' .5 ')).toEqual({ value: 50_000_000n });
    expect(readAmount('7.', { precision: 0 })).toEqual({ value: 700_000_000n });
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }), (units) => {
      const text = formatFixed8(units);
      expect(readAmount(text)).toEqual({ value: parseFixed8(text) });
    }), { numRuns: 1000 });
  });
});
