/**
 * A wallet page syncing a chain of 1,500 blocks from one peer is reloaded halfway: the new page
 * opens the chain it stored in IndexedDB and continues from there, not from genesis; its copy of
 * the state (the chain itself is checked and stored in a worker) ends equal to the peer's. A
 * second tab of the same wallet waits for the first to close, then continues from IndexedDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './browser.ts';
import { serveApp } from '../devnet/app.ts';
import { benchChain } from '../test/chain-fixture.ts';
import { devnetFromFile } from '../core/state/settings.ts';
import { Chain } from '../core/state/chain.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { Node } from '../core/node/node.ts';

const COUNT = 1500;
let browser: Browser;
let server: PreviewServer;
let peer: Node;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'ans-sync-'));

beforeAll(async () => {
  const { network, blocks } = await benchChain(COUNT);
  const settings = devnetFromFile(network);
  const chain = await Chain.open(await LevelStore.open(join(dir, 'peer')), settings);
  await chain.addBlocks(blocks);
  await chain.close();
  peer = await Node.start({ settings, store: await LevelStore.open(join(dir, 'peer')), listen: ['/ip4/127.0.0.1/tcp/0/ws'], relay: true });
  ({ server, url } = await serveApp({ network: { network, bootstrap: peer.peer.addresses() } }));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await peer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a reload in the middle of a sync, and a second tab', () => {
  it('resumes from IndexedDB and finishes the sync; a second tab waits for the first, then takes over', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const status = page.getByTestId('status');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="status"]')?.getAttribute('data-height')) >= 400, undefined, { timeout: 120_000 });
    const before = Number(await status.getAttribute('data-height'));
    expect(await status.getAttribute('data-phase')).toBe('syncing');
    expect(before).toBeLessThan(COUNT);
    await page.reload();
    await page.waitForSelector('[data-testid="status"]:not([data-start-height="-1"])', { timeout: 60_000 });
    const resumed = Number(await status.getAttribute('data-start-height'));
    // The stored chain: only blocks still waiting for their write at the reload are fetched
    // again (a sync applies at most 128 blocks ahead of the disk, written 64 at a time).
    expect(resumed).toBeGreaterThan(before - 200);
    expect(resumed).toBeLessThan(COUNT);
    await page.waitForSelector(`[data-testid="status"][data-phase="synced"][data-height="${COUNT}"]`, { timeout: 120_000 });
    // The page's copy of the ledger (the worker's snapshot at the reopen, then the deltas it sent)
    // is the state of the serving peer, which applied the same blocks in Node.
    const pageState = await page.evaluate(() => (globalThis as unknown as { __antsharesPeer: { stateHash(): string } }).__antsharesPeer.stateHash());
    expect(pageState).toBe(Buffer.from(peer.chain.ledger.stateHash()).toString('hex'));
    // A second tab of the same wallet does not write the same chain: it waits, says so, and
    // takes over from IndexedDB once the first tab closes.
    const second = await page.context().newPage();
    second.on('pageerror', (e) => errors.push(e.message));
    await second.goto(url);
    await second.waitForSelector('[data-testid="status"][data-phase="other-tab"]', { timeout: 60_000 });
    expect(await second.getByTestId('status').textContent()).toContain('open in another tab');
    await page.close();
    await second.waitForSelector(`[data-testid="status"][data-phase="synced"][data-height="${COUNT}"]`, { timeout: 60_000 });
    expect(Number(await second.getByTestId('status').getAttribute('data-start-height'))).toBe(COUNT);
    expect(errors).toEqual([]);
  });
});
