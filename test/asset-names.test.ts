import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex } from '../core/encoding/index.ts';
import { ANTCOIN_ID, ANTSHARE_ID } from '../core/block/genesis.ts';
import { imitatesNative, isNative, lookAlikes, NAME_MAX, nameKey, readAssetName, shortAssetId } from '../core/wallet/index.ts';

const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/u;

/** What every shown name must be, whatever the chain held. */
function expectShowable(shown: string): void {
  expect(typeof shown).toBe('string');
  expect(Array.from(shown).length).toBeLessThanOrEqual(NAME_MAX);
  expect(shown).not.toMatch(HIDDEN);
  expect(shown).toBe(shown.trim());
  expect(shown).not.toMatch(/\s\s/u);
}

describe('asset names from the chain (issue 16)', () => {
  it('any name field, JSON of any shape or any text, reads as a short printable string and never throws', () => {
    const field = fc.oneof(
      fc.json().map((j) => j),
      fc.string({ unit: 'binary', maxLength: 2000 }),
      fc.array(fc.record({ lang: fc.oneof(fc.constantFrom('zh-CN', 'en', 'fr'), fc.jsonValue()), name: fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue()) }, { requiredKeys: [] })).map((l) => JSON.stringify(l)),
    );
    fc.assert(fc.property(field, fc.constantFrom('zh' as const, 'en' as const), (f, lang) => expectShowable(readAssetName(f, lang))), { numRuns: 2000 });
    fc.assert(fc.property(fc.anything(), (v) => expectShowable(readAssetName(v, 'en'))), { numRuns: 500 });
  });

  it('reads the reference name list in the language asked, skips entries that are not text, and bounds what is left', () => {
    const native = '[{"lang":"zh-CN","name":"小蚁币"},{"lang":"en","name":"AntCoin"}]';
    expect(readAssetName(native, 'zh')).toBe('小蚁币');
    expect(readAssetName(native, 'en')).toBe('AntCoin');
    expect(readAssetName('[{"lang":"en","name":{"x":1}}]', 'en')).toBe('');
    expect(readAssetName('[{"lang":"en","name":{"x":1}},{"lang":"fr","name":"Écu"}]', 'en')).toBe('Écu');
    expect(readAssetName('[1,null,"x",[{"name":"a"}]]', 'en')).toBe('');
    expect(readAssetName('Plain  name\n\u202Eevil', 'en')).toBe('Plain name evil');
    expect(readAssetName('<img src=x onerror=alert(1)>', 'en')).toBe('<img src=x onerror=alert(1)>'); // text, shown as text by React
    const long = readAssetName('x'.repeat(10_000), 'en');
    expect(Array.from(long)).toHaveLength(NAME_MAX);
    expect(long.endsWith('…')).toBe(true);
    expect(readAssetName('[not json', 'en')).toBe('[not json');
  });

  it('native assets are known by id; an asset named like one, in any disguise, imitates it', () => {
    expect(isNative(bytesToHex(ANTCOIN_ID)) && isNative(bytesToHex(ANTSHARE_ID))).toBe(true);
    const fake = 'ab'.repeat(32);
    expect(isNative(fake)).toBe(false);
    for (const name of ['AntCoin', 'antcoin', 'ANT COIN', 'Ant-C0in', '\u0410nt\u0421oin', 'ＡｎｔＣｏｉｎ', '小蚁币', '[{"lang":"zh-CN","name":"小蚁股"}]', '[{"lang":"en","name":"Ant\u200BShare"}]']) {
      expect(imitatesNative(fake, name), name).toBe(true);
    }
    for (const name of ['AntCoins Club', 'Gold', '小蚁']) expect(imitatesNative(fake, name), name).toBe(false);
    expect(imitatesNative(bytesToHex(ANTCOIN_ID), 'AntCoin')).toBe(false);
    expect(nameKey('Ant Coin')).toBe(nameKey('ANTCOIN'));
  });

  it('finds the look-alikes among assets shown together, and prints short ids as the reference does', () => {
    const list = [{ hex: 'a1', name: 'Gold' }, { hex: 'b2', name: 'G0LD' }, { hex: 'c3', name: 'Silver' }, { hex: 'd4', name: '' }, { hex: 'e5', name: '' }];
    expect([...lookAlikes(list)].sort()).toEqual(['a1', 'b2']);
    expect(shortAssetId(bytesToHex(ANTSHARE_ID))).toBe('c56f33fc');
    expect(shortAssetId(bytesToHex(ANTCOIN_ID))).toBe('602c7971');
  });
});
