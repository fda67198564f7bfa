import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '../core/encoding/index.ts';
import { comparePublicKeys, compressPublicKey } from '../core/crypto/index.ts';
import { ANTCOIN_TOTAL, Ledger, newAntCoin, validatorCount } from '../core/state/index.ts';
import { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE } from './devnet.ts';
import { grow, newHistory } from './history.ts';
import { decodeBlock, encodeBlock, encodeBlockFrom } from '../core/block/index.ts';
import { encodeTransaction } from '../core/tx/index.ts';

/**
 * The election written out plainly, apart from core/state/election.ts. `current`: the validators of
 * the block just applied. These histories' blocks carry no participation record, so every elected
 * candidate is seen at each block it validates, none is ever found absent, and "proven" is "in the
 * current set": at most f candidates who are not may be elected.
 */
function referenceValidators(ledger: Ledger, current: readonly string[]): string[] {
  const standby = ledger.settings.standbyValidators.map((k) => compressPublicKey(k)).sort(comparePublicKeys);
  const votes = [...ledger.votes.values()].map((v) => ({ w: v.value / FIXED8_ONE, n: BigInt(v.enrollments.length), names: v.enrollments.map(bytesToHex) }));
  const total = votes.reduce((s, v) => s + v.w, 0n);
  let count = standby.length;
  if (total > 0n) {
    const sorted = [...votes].sort((a, b) => Number(a.n - b.n));
    // Integral, from 0 to x (in quarter shares), of "how many candidates the vote at x names".
    const integral = (x: bigint) => {
      let acc = 0n;
      let start = 0n;
      for (const v of sorted) {
        const len = 4n * v.w;
        const covered = x - start < 0n ? 0n : x - start > len ? len : x - start;
        acc += covered * v.n;
        start += len;
      }
      return acc;
    };
    const mean = (integral(3n * total) - integral(total)) / (2n * total);
    if (Number(mean) > count) count = Number(mean);
  }
  count = Math.min(count, 1024);
  const tally = new Map<string, bigint>();
  for (const [k] of ledger.candidates.entries()) tally.set(k, 0n);
  for (const v of votes) for (const n of v.names) if (tally.has(n)) tally.set(n, tally.get(n)! + v.w);
  const ranked = [...tally.entries()].filter(([, t]) => t > 0n).map(([k, t]) => ({ key: ledger.candidates.get(k)!.publicKey, t }));
  ranked.sort((a, b) => (a.t === b.t ? comparePublicKeys(a.key, b.key) : a.t > b.t ? -1 : 1));
  const chosen: Uint8Array[] = [];
  const has = (k: Uint8Array) => chosen.some((c) => bytesToHex(c) === bytesToHex(k));
  const standbyHex = standby.map(bytesToHex);
  let unproven = 0;
  for (const r of ranked) {
    if (chosen.length >= count || has(r.key)) continue;
    const key = bytesToHex(r.key);
    if (!standbyHex.includes(key) && !current.includes(key)) {
      if (unproven >= Math.floor((count - 1) / 3)) continue;
      unproven++;
    }
    chosen.push(r.key);
  }
  for (const s of standby) if (chosen.length < count && !has(s)) chosen.push(s);
  return chosen.sort(comparePublicKeys).map(bytesToHex);
}

function checkInvariants(ledger: Ledger, current: readonly string[]) {
  // Per asset, the unspent outputs add up to what exists; the balance index agrees.
  const sums = new Map<string, bigint>();
  for (const u of ledger.utxos.values()) sums.set(bytesToHex(u.assetId), (sums.get(bytesToHex(u.assetId)) ?? 0n) + u.value);
  for (const [k, a] of ledger.assets.entries()) {
    const expected = k === bytesToHex(ANTCOIN_ID) ? ledger.supply(ANTCOIN_ID) : a.issued;
    expect(sums.get(k) ?? 0n, `asset ${k}`).toBe(expected);
    const held = [...ledger.holders.get(k)?.values() ?? []].reduce((s, h) => s + h.units, 0n);
    expect(held).toBe(expected);
  }
  expect(sums.get(bytesToHex(ANTSHARE_ID))).toBe(100_000_000n * FIXED8_ONE);
  expect(ledger.nextValidators().map(bytesToHex)).toEqual(referenceValidators(ledger, current));
  checkHistory(ledger);
}

/** Each account's history, page by page, is what a scan of the whole history table finds. */
function checkHistory(ledger: Ledger) {
  const accounts = new Set([...ledger.history.entries()].map(([k]) => k.slice(0, k.indexOf(':'))));
  for (const account of accounts) {
    const all = [...ledger.history.entries()].filter(([k]) => k.startsWith(`${account}:`)).map(([k, v]) => ({ key: k, hash: bytesToHex(v.txHash) }));
    all.sort((a, b) => (a.key < b.key ? 1 : -1)); // newest first
    const paged: string[] = [];
    let before: string | undefined;
    do {
      const page = ledger.historyOf(hexToBytes(account), { limit: 3, before });
      paged.push(...page.items.map((i) => bytesToHex(i.txHash)));
      before = page.next;
    } while (before);
    expect(paged, `history of ${account}`).toEqual(all.map((a) => a.hash));
  }
}

describe('random histories', () => {
  it('keep every invariant after every block', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 30 }), async (seed) => {
      const h = newHistory(seed);
      let minted = 0n;
      let burned = 0n;
      // The producer applies each block with the checks its prepareBlock ran; a second ledger
      // applies a decoded copy (new objects: every rule runs again). Both must agree throughout.
      const { ledger: other } = Ledger.withGenesis(h.net.settings);
      const reusedBefore = h.net.ledger.reusedChecks;
      let current = h.net.ledger.nextValidators().map(bytesToHex);
      await grow(h, seed, 40, async (block) => {
        // A block made from its transactions' bytes is the block's encoding.
        expect(bytesToHex(encodeBlockFrom(block, block.transactions.map(encodeTransaction)))).toBe(bytesToHex(encodeBlock(block)));
        await other.applyBlock(decodeBlock(encodeBlock(block)));
        expect(bytesToHex(other.stateHash())).toBe(bytesToHex(h.net.ledger.stateHash()));
        const tip = h.net.ledger.tip;
        // AntCoin follows the formula block by block (the holder of every draw exists).
        expect(tip.antCoinMinted).toBe(minted + newAntCoin(minted, burned));
        expect(tip.antCoinMinted - tip.antCoinBurned).toBeLessThanOrEqual(ANTCOIN_TOTAL);
        minted = tip.antCoinMinted;
        burned = tip.antCoinBurned;
        checkInvariants(h.net.ledger, current);
        current = h.net.ledger.nextValidators().map(bytesToHex);
      });
      expect(h.blocks.flatMap((b) => b.transactions).length).toBeGreaterThan(40);
      // Blocks with votes are prepared by applying and undoing them, and then checked again.
      expect(h.net.ledger.reusedChecks - reusedBefore).toBeGreaterThan(0);
      expect(other.reusedChecks).toBe(0);
      // A snapshot loads back to the same state.
      const copy = Ledger.fromSnapshot(h.net.settings, h.net.ledger.snapshot(64 * 1024));
      expect(bytesToHex(copy.stateHash())).toBe(bytesToHex(h.net.ledger.stateHash()));
      expect(copy.accounts).toEqual(h.net.ledger.accounts);
      checkHistory(copy); // the derived indexes are rebuilt from a snapshot too
    }), { numRuns: 6 });
  });

  it('the validator count is the weighted mean of the middle half of the votes', () => {
    expect(validatorCount([])).toBe(0);
    expect(validatorCount([{ weight: 10n, named: 7 }])).toBe(7);
    // Weights 1,1,1,1 naming 1,2,3,100: the middle half is the votes naming 2 and 3.
    expect(validatorCount([{ weight: 1n, named: 100 }, { weight: 1n, named: 1 }, { weight: 1n, named: 3 }, { weight: 1n, named: 2 }])).toBe(2);
    // One heavy vote covers the middle alone, whatever the others name.
    expect(validatorCount([{ weight: 98n, named: 9 }, { weight: 1n, named: 1 }, { weight: 1n, named: 1000 }])).toBe(9);
  });
});
