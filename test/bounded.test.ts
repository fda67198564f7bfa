import { describe, expect, it } from 'vitest';
import { addBounded, setBounded } from '../core/util/bounded.ts';

describe('bounded caches', () => {
  it('a map past its bound drops its oldest entry; replacing one evicts nothing', () => {
    const m = new Map<string, number>();
    for (const [i, k] of ['a', 'b', 'c'].entries()) setBounded(m, k, i, 3);
    setBounded(m, 'b', 9, 3); // there already: replaced in place
    expect([...m]).toEqual([['a', 0], ['b', 9], ['c', 2]]);
    setBounded(m, 'd', 3, 3);
    expect([...m.keys()]).toEqual(['b', 'c', 'd']);
    m.delete('b'); // made newest by deleting first
    setBounded(m, 'b', 1, 3);
    setBounded(m, 'e', 4, 3);
    expect([...m.keys()]).toEqual(['d', 'b', 'e']);
  });

  it('a set past its bound drops its oldest value, and never holds more than the bound', () => {
    const s = new Set<number>();
    for (let i = 0; i < 100; i++) {
      addBounded(s, i % 7 === 0 ? 0 : i, 5);
      expect(s.size).toBeLessThanOrEqual(5);
    }
    // 0 came back at 98 after it was pushed out: it is newer than 97, older than 99.
    expect([...s]).toEqual([95, 96, 97, 0, 99]);
  });
});
