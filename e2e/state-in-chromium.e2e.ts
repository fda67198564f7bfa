import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { devServer, launchChromium } from './browser.ts';
import { bytesToHex } from '../core/encoding/index.ts';
import { encodeBlock } from '../core/block/index.ts';
import { grow, newHistory, type History } from '../test/history.ts';
import './core-types.ts';

const SEED = 424242;
const BLOCKS = 45;
const INTERVAL = 10;
let browser: Browser;
let server: ViteDevServer;
let page: Page;
let url: string;
let history: History;
const reference: string[] = [];

beforeAll(async () => {
  history = newHistory(SEED);
  reference.push(bytesToHex(history.net.ledger.stateHash()));
  await grow(history, SEED, BLOCKS, () => {
    reference.push(bytesToHex(history.net.ledger.stateHash()));
  });
  const dev = await devServer();
  server = dev.server;
  url = new URL('/e2e/pages/core.html', dev.url).href;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type Params = { validators: string[]; holder: string; interval: number; blocks: string[]; upTo: number };

/** In the page: open the chain in IndexedDB, add blocks up to `upTo`, return height and state hash. */
function run(p: Params) {
  return page.evaluate(async ({ validators, holder, interval, blocks, upTo }) => {
    const { state, idb, encoding, block } = window.core;
    const settings = { ...state.devnet({ standbyValidators: validators.map(encoding.hexToBytes), antShareHolder: encoding.hexToBytes(holder) }), snapshotInterval: interval };
    const chain = await state.Chain.open(await idb.IdbStore.open('antshares-e2e'), settings);
    const opened = chain.height;
    for (const hex of blocks.slice(chain.height, upTo)) await chain.addBlock(block.decodeBlock(encoding.hexToBytes(hex)));
    const result = { opened, height: chain.height, hash: encoding.bytesToHex(chain.ledger.stateHash()) };
    await chain.close();
    return result;
  }, p);
}

describe('the ledger on IndexedDB in Chromium', () => {
  it('gives the state of the Node reference, and a reload resumes where it was', async () => {
    const params: Params = {
      validators: history.net.settings.standbyValidators.map(bytesToHex),
      holder: bytesToHex(history.net.settings.antShareHolder),
      interval: INTERVAL,
      blocks: history.blocks.map((b) => bytesToHex(encodeBlock(b))),
      upTo: 30,
    };
    const first = await run(params);
    expect(first).toEqual({ opened: 0, height: 30, hash: reference[30] });
    await page.reload();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const second = await run({ ...params, upTo: BLOCKS });
    expect(second).toEqual({ opened: 30, height: BLOCKS, hash: reference[BLOCKS] });
  });

  it('in a worker (the wallet peer): the page\'s copy follows the chain, and a bad block is refused with its error and changes nothing', async () => {
    const r = await page.evaluate(async ({ validators, holder, interval, blocks }) => {
      const { state, encoding, remote, block } = window.core;
      const settings = { ...state.devnet({ standbyValidators: validators.map(encoding.hexToBytes), antShareHolder: encoding.hexToBytes(holder) }), snapshotInterval: interval };
      const worker = new Worker('/core/state/chain-worker.ts', { type: 'module' });
      const chain = await remote.RemoteChain.open(worker, 'antshares-e2e-worker', settings);
      const bytes = blocks.map(encoding.hexToBytes);
      const seen: number[] = [];
      await chain.addBlocks(bytes.slice(0, 30), { onBlock: (h) => seen.push(h) }); // heights 1 to 30
      const at30 = { height: chain.height, hash: encoding.bytesToHex(chain.ledger.stateHash()) };
      const refusal = async (b: Uint8Array) => {
        try {
          await chain.addBlocks([b]);
          return 'accepted';
        } catch (e) {
          const err = e as { code?: string; name: string };
          return `${err.name} ${err.code} input=${encoding.isInputError(e)}`;
        }
      };
      const skipped = await refusal(bytes[31]); // height 32 on a tip of 30
      const cut = await refusal(bytes[30].subarray(0, bytes[30].length - 5));
      const after = { height: chain.height, hash: encoding.bytesToHex(chain.ledger.stateHash()) };
      // A single block as gossip brings it, then the rest.
      await chain.addBlock(block.decodeBlock(bytes[30]), { bytes: bytes[30] });
      await chain.addBlocks(bytes.slice(31));
      const end = { height: chain.height, hash: encoding.bytesToHex(chain.ledger.stateHash()) };
      await chain.close();
      return { seen: seen.length, first: seen[0], at30, skipped, cut, after, end };
    }, {
      validators: history.net.settings.standbyValidators.map(bytesToHex),
      holder: bytesToHex(history.net.settings.antShareHolder),
      interval: INTERVAL,
      blocks: history.blocks.map((b) => bytesToHex(encodeBlock(b))),
    });
    expect(r.seen).toBe(30);
    expect(r.first).toBe(1);
    expect(r.at30).toEqual({ height: 30, hash: reference[30] });
    expect(r.skipped).toBe('ProtocolError BLOCK_HEIGHT_WRONG input=true');
    expect(r.cut).toBe('DecodeError DECODE_ERROR input=true');
    expect(r.after).toEqual(r.at30);
    expect(r.end).toEqual({ height: BLOCKS, hash: reference[BLOCKS] });
  });
});
