/**
 * A wallet page whose only peer stops relaying blocks (issue 15: three pages stood at height 615,
 * "synced · last block 319 s ago", while the network passed 880): within three block intervals
 * it says "stalled" with the reason; it catches up by asking its peer for blocks, and follows
 * gossip again once the peer recovers, all without a reload.
 *
 * The network is the local one (relay and four validators in their own processes); the page's
 * only peer is a Node peer P of this test, which relays for browsers and, so that the page meets
 * no other peer, forwards no announcement of the others' addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TopicValidatorResult } from '@libp2p/gossipsub';
import { launchChromium } from './browser.ts';
import { serveApp } from '../devnet/app.ts';
import { startLocalNetwork, type LocalNetwork } from '../devnet/network.ts';
import { MemoryStore } from '../core/store/memory.ts';
import { Node } from '../core/node/node.ts';

let browser: Browser;
let server: PreviewServer;
let network: LocalNetwork;
let p: Node;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'ans-stall-'));

beforeAll(async () => {
  network = await startLocalNetwork({ dir, relayPort: 0, httpPort: 0 });
  p = await Node.start({ settings: network.settings, store: new MemoryStore(), listen: ['/ip4/127.0.0.1/tcp/0/ws'], relay: true, bootstrap: network.bootstrap });
  // P forwards no announcement: the page's only peer stays P.
  p.peer.node.services.pubsub.topicValidators.set(p.peer.topics.peers, () => TopicValidatorResult.Ignore);
  ({ server, url } = await serveApp({ network: { network: network.network, bootstrap: p.peer.addresses(), faucet: network.http.url } }));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await p?.stop();
  await network?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const phaseOf = (page: import('playwright-core').Page) => page.getByTestId('status').getAttribute('data-phase');
const heightOf = async (page: import('playwright-core').Page) => Number(await page.getByTestId('status').getAttribute('data-height'));

describe('a wallet page whose only peer stops relaying blocks', () => {
  it('says "stalled" within three block intervals, catches up from its peer by request, and follows gossip again, without a reload', { timeout: 180_000 }, async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('[data-testid="status"][data-phase="synced"]', { timeout: 60_000 });
    const blockTime = network.settings.blockTimeMs;
    // Following the chain by gossip through P.
    const h0 = await heightOf(page);
    await page.waitForFunction((h) => Number(document.querySelector('[data-testid="status"]')?.getAttribute('data-height')) > h + 1, h0, { timeout: 20_000 });

    // P stops relaying blocks (and consensus messages, whose heights would tell the page it is
    // behind): it leaves both topics, as a frozen relay would. The page hears nothing new.
    const silent = [p.peer.topics.blocks, p.peer.topics.consensus];
    for (const topic of silent) p.peer.node.services.pubsub.unsubscribe(topic);
    const stoppedAt = Date.now();
    const lastHeard = await heightOf(page);
    await page.waitForSelector('[data-testid="status"][data-phase="stalled"]', { timeout: 3 * blockTime + 4000 });
    const saidAfter = Date.now() - stoppedAt;
    expect(saidAfter).toBeLessThanOrEqual(3 * blockTime + 3000); // three intervals from its last block, and the status bar's second
    expect(await page.getByTestId('status-state').textContent()).toMatch(/stalled/);

    // It asks its peer for blocks (P, which catches up by request itself): the page moves on
    // without a reload, and its status is no longer "synced" while behind.
    await page.waitForFunction((h) => Number(document.querySelector('[data-testid="status"]')?.getAttribute('data-height')) > h, lastHeard, { timeout: 30_000 });
    // P recovers (it rejoins the topic, as its own stall handling does too): gossip again.
    for (const topic of silent) p.peer.node.services.pubsub.subscribe(topic);
    await page.waitForSelector('[data-testid="status"][data-phase="synced"]', { timeout: 30_000 });
    const network0 = network.relay.height;
    await page.waitForFunction((h) => Number(document.querySelector('[data-testid="status"]')?.getAttribute('data-height')) >= h, network0, { timeout: 30_000 });
    expect(await phaseOf(page)).not.toBe('stalled');
    expect(errors).toEqual([]);
  });
});
