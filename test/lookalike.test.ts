import { describe, expect, it } from 'vitest';
import { imitated, looksAlike } from '../core/wallet/index.ts';

describe('look-alike addresses (issue 16: address poisoning)', () => {
  const bob = 'AK2nJJpJr6o664CWJKi1QRXjqeic2zRp8y';
  it('same first and last four characters, another middle: alike; the same address, or another end: not', () => {
    expect(looksAlike('AK2nXXXXXXXXXXXXXXXXXXXXXXXXXXRp8y', bob)).toBe(true);
    expect(looksAlike(bob, bob)).toBe(false);
    expect(looksAlike('AK2nXXXXXXXXXXXXXXXXXXXXXXXXXXRp8z', bob)).toBe(false);
    expect(looksAlike('AK2mXXXXXXXXXXXXXXXXXXXXXXXXXXRp8y', bob)).toBe(false);
    expect(looksAlike('short', 'short!')).toBe(false);
  });
  it('names the contacts an address imitates', () => {
    const book = [{ name: 'Bob', address: bob }, { name: 'Carol', address: 'AXkQ8uQ8aR1VuFvYgSwe7gQXkm1hdtJvPb' }];
    expect(imitated('AK2nAAAAAAAAAAAAAAAAAAAAAAAAAARp8y', book).map((c) => c.name)).toEqual(['Bob']);
    expect(imitated(bob, book)).toEqual([]);
  });
});
