import { describe, expect, it } from 'vitest';
import { expectDecodeErrorOrCanonical } from './helpers.ts';
import fc from 'fast-check';
import {
  DecodeError, Fixed8, UInt160, UInt256, VarInt, base58CheckDecode, base58CheckEncode, bytesToHex, compareUint,
  count, decodeStrict, formatFixed8, hexToBytes, parseFixed8, uintFromString, uintToString, varBytes, varString,
} from '../core/encoding/index.ts';

describe('var-int', () => {
  it('uses the shortest form at each boundary', () => {
    const cases: [bigint, string][] = [
      [0n, '00'], [0xfcn, 'fc'], [0xfdn, 'fdfd00'], [0xffffn, 'fdffff'], [0x10000n, 'fe00000100'],
      [0xffffffffn, 'feffffffff'], [0x100000000n, 'ff0000000001000000'], [(1n << 64n) - 1n, 'ffffffffffffffffff'],
    ];
    for (const [v, hex] of cases) {
      expect(bytesToHex(VarInt.encode(v))).toBe(hex);
      expect(VarInt.decode(hexToBytes(hex))).toBe(v);
    }
  });

  it('refuses every longer form than needed', () => {
    for (const hex of ['fd0000', 'fdfc00', 'fe0000000000', 'feffff0000', 'ff0000000000000000', 'ffffffffff00000000']) {
      expect(() => decodeStrict(VarInt, hexToBytes(hex), 'VarInt'), hex).toThrow(/shortest/);
    }
  });

  it('round-trips every value and re-encodes canonically', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
      const b = VarInt.encode(v);
      expect(VarInt.decode(b)).toBe(v);
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 10 }), (bytes) =>
      expectDecodeErrorOrCanonical(bytes, (b) => decodeStrict(VarInt, b, 'VarInt'), (v) => VarInt.encode(v))));
  });
});

describe('bounded counts and var-bytes', () => {
  it('a forged length is refused before anything is allocated', () => {
    const before = process.memoryUsage().arrayBuffers;
    // var-bytes claiming 2^63 bytes, and a count of 2^32 - 1.
    expect(() => decodeStrict(varBytes(1000), hexToBytes('ff0000000000000080' + '00'), 'x')).toThrow(DecodeError);
    expect(() => decodeStrict(count(1000), hexToBytes('feffffffff'), 'x')).toThrow(/above the bound 1000/);
    expect(() => decodeStrict(varBytes(1 << 20), hexToBytes('fe00001000' + 'aa'), 'x')).toThrow(DecodeError);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });

  it('var-bytes round-trip, and truncation or trailing bytes are errors', () => {
    const coder = varBytes(300);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      const enc = coder.encode(b);
      expect(coder.decode(enc)).toEqual(b);
      expect(() => decodeStrict(coder, enc.subarray(0, enc.length - 1), 'x')).toThrow(DecodeError);
      const extra = new Uint8Array(enc.length + 1);
      extra.set(enc);
      expect(() => decodeStrict(coder, extra, 'x')).toThrow(DecodeError);
    }));
  });

  it('var-string is UTF-8 and refuses invalid UTF-8', () => {
    const coder = varString(1024);
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (s) => {
      expect(coder.decode(coder.encode(s))).toBe(s);
    }));
    expect(() => decodeStrict(coder, hexToBytes('02c328'), 'x')).toThrow(/UTF-8/);
    expect(coder.decode(hexToBytes('06e5b08fe89a81'))).toBe('小蚁');
  });
});

describe('Fixed8', () => {
  it('is a signed little-endian int64 of units', () => {
    expect(bytesToHex(Fixed8.encode(100_000_000n))).toBe('00e1f50500000000');
    expect(bytesToHex(Fixed8.encode(-1n))).toBe('ffffffffffffffff');
  });
  it('formats and parses decimals exactly', () => {
    expect(formatFixed8(150_000_000n)).toBe('1.5');
    expect(formatFixed8(-1n)).toBe('-0.00000001');
    expect(formatFixed8(10_000_000_000_000_000n)).toBe('100000000');
    expect(parseFixed8('0.00000001')).toBe(1n);
    expect(() => parseFixed8('0.000000001')).toThrow(RangeError);
    expect(() => parseFixed8('1e5')).toThrow(RangeError);
    expect(() => parseFixed8('92233720368.54775808')).toThrow(RangeError);
    fc.assert(fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => {
      expect(parseFixed8(formatFixed8(v))).toBe(v);
      expect(Fixed8.decode(Fixed8.encode(v))).toBe(v);
    }));
  });
});

describe('UInt160 / UInt256', () => {
  it('show the bytes reversed and sort as their display hex', () => {
    const raw = hexToBytes('3775292229eccdf904f16fff8e83e7cffdc0f0ce');
    expect(uintToString(raw)).toBe('cef0c0fdcfe7838eff6ff104f9cdec2922297537');
    expect(uintFromString('cef0c0fdcfe7838eff6ff104f9cdec2922297537', 20)).toEqual(raw);
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
      const byDisplay = Math.sign(uintToString(a).localeCompare(uintToString(b)));
      expect(Math.sign(compareUint(a, b))).toBe(byDisplay);
    }));
  });
  it('have exact sizes on the wire', () => {
    expect(() => decodeStrict(UInt160, new Uint8Array(19), 'x')).toThrow(DecodeError);
    expect(() => decodeStrict(UInt256, new Uint8Array(33), 'x')).toThrow(DecodeError);
  });
});

describe('Base58Check', () => {
  it('round-trips and refuses a changed character', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (b) => {
      const s = base58CheckEncode(b);
      expect(base58CheckDecode(s)).toEqual(b);
      const i = s.length - 1;
      const changed = s.slice(0, i) + (s[i] === '2' ? '3' : '2');
      expect(() => base58CheckDecode(changed)).toThrow(DecodeError);
    }));
  });
});

describe('hex', () => {
  it("bytesToHex (the runtime's conversion) equals noble's for any bytes, views into larger buffers included", async () => {
    const { bytesToHex: nobleHex } = await import('@noble/hashes/utils.js');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(20), fc.nat(20), (b, from, cut) => {
      const view = b.subarray(Math.min(from, b.length), Math.max(Math.min(from, b.length), b.length - cut));
      expect(bytesToHex(view)).toBe(nobleHex(view));
      expect(hexToBytes(bytesToHex(view))).toEqual(view);
    }), { numRuns: 300 });
    expect(bytesToHex(new Uint8Array(0))).toBe('');
    expect(() => bytesToHex([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });
});
