import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToHex } from '../core/encoding/index.ts';
import { encodeBlock, computeMerkleRoot, type Block } from '../core/block/index.ts';
import { Chain, Ledger, type NetworkSettings } from '../core/state/index.ts';
import { MemoryStore } from '../core/store/memory.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { signBlock } from './devnet.ts';
import { grow, newHistory, type History } from './history.ts';

const SEED = 20261123;
const BLOCKS = 60;
const INTERVAL = 10;
let history: History;
let settings: NetworkSettings;
/** State hash after each height, from a ledger in memory. */
const reference: string[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'antshares-store-'));
  dirs.push(d);
  return d;
}

beforeAll(async () => {
  history = newHistory(SEED);
  settings = { ...history.net.settings, snapshotInterval: INTERVAL };
  reference.push(bytesToHex(history.net.ledger.stateHash()));
  await grow(history, SEED, BLOCKS, () => {
    reference.push(bytesToHex(history.net.ledger.stateHash()));
  });
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function fill(chain: Chain, blocks: readonly Block[]) {
  for (const b of blocks.slice(chain.height)) await chain.addBlock(b);
}

describe('the chain store', () => {
  it('memory and disk backends give the state of the reference ledger, before and after reopening', async () => {
    const memory = new MemoryStore();
    const dir = tempDir();
    for (const open of [() => Promise.resolve(memory), () => LevelStore.open(dir)]) {
      const chain = await Chain.open(await open(), settings);
      await fill(chain, history.blocks);
      expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[BLOCKS]);
      await chain.close();
      const again = await Chain.open(await open(), settings);
      expect(again.height).toBe(BLOCKS);
      expect(bytesToHex(again.ledger.stateHash())).toBe(reference[BLOCKS]);
      expect(again.ledger.accounts).toEqual(history.net.ledger.accounts);
      expect(bytesToHex(encodeBlock((await again.block(17))!))).toBe(bytesToHex(encodeBlock(history.blocks[16])));
      await again.close();
    }
  });

  it('rolls back the tip, across a snapshot too, and takes the block again', async () => {
    const chain = await Chain.open(new MemoryStore(), settings);
    await fill(chain, history.blocks.slice(0, 2 * INTERVAL));
    for (let h = 2 * INTERVAL; h > 2 * INTERVAL - 3; h--) {
      await chain.rollbackTip();
      expect(chain.height).toBe(h - 1);
      expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[h - 1]);
    }
    await fill(chain, history.blocks.slice(0, 2 * INTERVAL + 5));
    expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[2 * INTERVAL + 5]);
    const reopened = await Chain.open(chain.store, settings);
    expect(bytesToHex(reopened.ledger.stateHash())).toBe(reference[2 * INTERVAL + 5]);
  });

  it('a block that breaks a rule changes neither the ledger nor the store', async () => {
    const store = new MemoryStore();
    const chain = await Chain.open(store, settings);
    // The first block with transactions besides its MinerTransaction, offered without them.
    const at = history.blocks.findIndex((b) => b.transactions.length > 1);
    expect(at).toBeGreaterThanOrEqual(0);
    await fill(chain, history.blocks.slice(0, at));
    const bytesBefore = store.size;
    const good = history.blocks[at];
    const bad = signBlock({ ...good, transactions: good.transactions.slice(0, 1), merkleRoot: computeMerkleRoot(good.transactions.slice(0, 1)) }, chain.ledger.nextValidators(), history.net.keys);
    await expect(chain.addBlock(bad)).rejects.toMatchObject({ code: 'BLOCK_MINER_OUTPUTS_WRONG' });
    await expect(chain.addBlock(history.blocks[at + 2])).rejects.toMatchObject({ code: 'BLOCK_HEIGHT_WRONG' });
    expect(store.size).toBe(bytesBefore);
    expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[at]);
  });

  it("refuses another network's store", async () => {
    const store = new MemoryStore();
    await Chain.open(store, settings);
    const other = newHistory(SEED + 1).net.settings;
    await expect(Chain.open(store, other)).rejects.toThrow(/another network/);
  });

  it('a process killed while writing blocks leaves the state of its last whole block, and the chain continues', async () => {
    const dir = tempDir();
    const file = join(tempDir(), 'blocks.hex');
    writeFileSync(file, history.blocks.map((b) => bytesToHex(encodeBlock(b))).join('\n') + '\n');
    const writer = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
    let kills = 0;
    for (const killAfter of [7, 23, 41]) {
      const lastPrinted = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [writer, dir, file, String(SEED), String(INTERVAL)], { stdio: ['ignore', 'pipe', 'pipe'] });
        let last = -1;
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.stdout.on('data', (d: Buffer) => {
          for (const line of d.toString().trim().split('\n')) {
            if (line === 'done') continue;
            last = Number(line);
            if (last >= killAfter && !child.killed) child.kill('SIGKILL');
          }
        });
        child.on('exit', (code, signal) => (signal === 'SIGKILL' || code === 0 ? resolve(last) : reject(new Error(`writer failed: ${code} ${err}`))));
      });
      kills++;
      const chain = await Chain.open(await LevelStore.open(dir), settings);
      // Whatever the moment of the kill: a whole block, at or after the last one reported.
      expect(chain.height).toBeGreaterThanOrEqual(lastPrinted);
      expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[chain.height]);
      await chain.close();
    }
    expect(kills).toBe(3);
    const chain = await Chain.open(await LevelStore.open(dir), settings);
    await fill(chain, history.blocks);
    expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[BLOCKS]);
    await chain.close();
  });

  it('a ledger rebuilt from deltas alone equals the one that applied the blocks', async () => {
    const store = new MemoryStore();
    const chain = await Chain.open(store, { ...settings, snapshotInterval: 1_000_000 });
    await fill(chain, history.blocks);
    const replayed = await Chain.open(store, settings);
    expect(bytesToHex(replayed.ledger.stateHash())).toBe(reference[BLOCKS]);
    expect(replayed.ledger).toBeInstanceOf(Ledger);
  });
});

describe('the IndexedDB backend (fake-indexeddb in Node; real Chromium in e2e/)', () => {
  it('gives the reference state, before and after reopening', async () => {
    await import('fake-indexeddb/auto'); // IndexedDB's globals, in memory
    const { IdbStore } = await import('../core/store/idb.ts');
    const name = `chain-${Date.now()}`;
    const chain = await Chain.open(await IdbStore.open(name), settings);
    await fill(chain, history.blocks.slice(0, 25));
    expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[25]);
    await chain.close();
    const again = await Chain.open(await IdbStore.open(name), settings);
    expect(bytesToHex(again.ledger.stateHash())).toBe(reference[25]);
    await again.rollbackTip();
    expect(bytesToHex(again.ledger.stateHash())).toBe(reference[24]);
    await again.close();
  });
});

describe('hand-written codecs of the store', () => {
  it('write the very bytes of the schemas, and read them back', async () => {
    const fc = (await import('fast-check')).default;
    const { utxoCodec, txCodec, historyCodec, encodeDelta, decodeDelta, encodeSnapshotChunk, UtxoRecord, TxRecord, HistoryRecord, Delta, SnapshotChunk } = await import('../core/state/index.ts');
    const { decodeStrict, DecodeError } = await import('../core/encoding/index.ts');
    const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
    const u32 = fc.nat({ max: 0xffffffff });
    fc.assert(fc.property(bytes(32), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), bytes(20), u32, (assetId, value, scriptHash, height) => {
      const u = { assetId, value, scriptHash, height, account: bytesToHex(scriptHash), asset: bytesToHex(assetId) };
      expect(utxoCodec.encode(u)).toEqual(UtxoRecord.encode(u));
      expect(utxoCodec.decode(UtxoRecord.encode(u))).toEqual(u);
    }));
    fc.assert(fc.property(u32, u32, u32, bytes(32), (height, index, outputs, txHash) => {
      expect(txCodec.encode({ height, index, outputs })).toEqual(TxRecord.encode({ height, index, outputs }));
      expect(txCodec.decode(TxRecord.encode({ height, index, outputs }))).toEqual({ height, index, outputs });
      expect(historyCodec.encode({ txHash })).toEqual(HistoryRecord.encode({ txHash }));
    }));
    const change = fc.record({
      table: fc.integer({ min: 0, max: 255 }),
      key: fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 20 })),
      before: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
      after: fc.option(fc.uint8Array({ maxLength: 70000 }), { nil: undefined, freq: 20 }),
    });
    fc.assert(fc.property(u32, bytes(32), fc.array(change, { maxLength: 20 }), (height, blockHash, changes) => {
      const d = { height, blockHash, changes };
      const mine = encodeDelta(d);
      expect(mine).toEqual(Delta.encode(d));
      expect(Delta.decode(mine)).toEqual(d);
      expect(decodeDelta(mine)).toEqual(d);
    }), { numRuns: 200 });
    // Any bytes: the one-pass reader gives what the schema gives, or the same DecodeError.
    const schemaOrError = (b: Uint8Array) => {
      try {
        return decodeStrict(Delta, b, 'Delta');
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        return 'error';
      }
    };
    const mineOrError = (b: Uint8Array) => {
      try {
        return decodeDelta(b);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        return 'error';
      }
    };
    const asciiDelta = fc.record({
      height: u32,
      blockHash: bytes(32),
      changes: fc.array(fc.record({
        table: fc.integer({ min: 0, max: 255 }), key: fc.string({ maxLength: 70 }),
        before: fc.option(fc.uint8Array({ maxLength: 70 }), { nil: undefined }), after: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
      }), { maxLength: 8 }),
    });
    const damaged = fc.tuple(asciiDelta, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(40)).map(([d, at, byte, cut]) => {
      const b = encodeDelta(d);
      const i = at % b.length;
      const out = cut % 4 === 0 ? b.subarray(0, Math.max(0, b.length - 1 - cut)) : Uint8Array.from(b);
      if (cut % 4 !== 0) out[i] = byte;
      return out;
    });
    fc.assert(fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 200 })), (b) => {
      expect(mineOrError(b)).toEqual(schemaOrError(b));
    }), { numRuns: 1000 });
    // Not minimal: a count of 1 written in three bytes.
    const one = encodeDelta({ height: 1, blockHash: new Uint8Array(32), changes: [{ table: 1, key: 'k', before: undefined, after: Uint8Array.of(7) }] });
    const padded = Uint8Array.from([...one.subarray(0, 36), 0xfd, 1, 0, ...one.subarray(37)]);
    expect(() => decodeDelta(padded)).toThrow(DecodeError);
    expect(() => utxoCodec.decode(new Uint8Array(63))).toThrow(/63 bytes, expected 64/);
    const entry = fc.record({
      table: fc.integer({ min: 0, max: 255 }),
      key: fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 20 })),
      value: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(fc.property(fc.array(entry, { maxLength: 300 }), (items) => {
      const mine = encodeSnapshotChunk(items);
      expect(mine).toEqual(SnapshotChunk.encode(items));
      expect(SnapshotChunk.decode(mine)).toEqual(items);
    }), { numRuns: 200 });
    expect(() => encodeSnapshotChunk([{ table: 1, key: 'k'.repeat(257), value: new Uint8Array(0) }])).toThrow();
  });
});

describe('bytes from a peer', () => {
  it('a mutated block gets a typed error and changes neither the ledger nor the store', async () => {
    const fc = (await import('fast-check')).default;
    const { isInputError } = await import('../core/encoding/index.ts');
    const { mutated } = await import('./arbitraries.ts');
    const store = new MemoryStore();
    const chain = await Chain.open(store, settings);
    const at = history.blocks.findIndex((b) => b.transactions.length > 2);
    await fill(chain, history.blocks.slice(0, at));
    const size = store.size;
    const original = encodeBlock(history.blocks[at]);
    await fc.assert(fc.asyncProperty(mutated(fc.constant(original)), async (bytes) => {
      if (bytesToHex(bytes) === bytesToHex(original)) return;
      const error = await chain.addBlockBytes(bytes).then(() => undefined, (e: unknown) => e);
      expect(isInputError(error), String(error)).toBe(true);
      expect(chain.height).toBe(at);
      expect(store.size).toBe(size);
    }), { numRuns: 300 });
    expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[at]);
    await chain.addBlockBytes(original);
    expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[at + 1]);
  });
});
