/**
 * When the page's peer starts (issue 16: the first screen must not wait for the peer, nor be
 * slowed by it): not while the user keeps using the first screen; once it has been quiet for five
 * seconds; by fifteen seconds after the first paint at the latest, however busy; and at once when
 * the unlocked wallet needs the chain. Read from the app's own mark ('antshares:peer-start', with
 * its reason), against the local network and the built app, in Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './browser.ts';
import { serveApp } from '../devnet/app.ts';
import { startLocalNetwork, type LocalNetwork } from '../devnet/network.ts';
import { createWallet, waitSynced } from './wallet-helpers.ts';

let browser: Browser;
let server: PreviewServer;
let network: LocalNetwork;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'ans-peer-start-'));

beforeAll(async () => {
  network = await startLocalNetwork({ dir, relayPort: 0, httpPort: 0 });
  ({ server, url } = await serveApp({ network: { network: network.network, bootstrap: network.bootstrap, faucet: network.http.url } }));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await network?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The peer's start mark: when (page time, ms) and why; undefined before it starts. */
function started(page: Page): Promise<{ at: number; why: string } | undefined> {
  return page.evaluate(() => {
    const mark = performance.getEntriesByName('antshares:peer-start')[0] as PerformanceMark | undefined;
    return mark && { at: mark.startTime, why: String(mark.detail) };
  });
}

/** Presses a key every `everyMs` for `forMs`; returns the page time of the last press. */
async function keepTyping(page: Page, forMs: number, everyMs = 700): Promise<number> {
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    await page.keyboard.press('Shift');
    await page.waitForTimeout(everyMs);
  }
  await page.keyboard.press('Shift');
  return page.evaluate(() => performance.now());
}

describe('when the page starts its peer', () => {
  it('not while the user keeps using the first screen; five quiet seconds after the last key; then it syncs', { timeout: 120_000 }, async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Create a new wallet' }).waitFor();
    const lastKey = await keepTyping(page, 8000);
    expect(await started(page)).toBeUndefined(); // 8 s of use, a key every 0.7 s: still waiting
    await page.waitForFunction(() => performance.getEntriesByName('antshares:peer-start').length > 0, undefined, { timeout: 15_000 });
    const mark = (await started(page))!;
    expect(mark.why).toBe('quiet');
    expect(mark.at - lastKey).toBeGreaterThanOrEqual(4900);
    await waitSynced(page);
  });

  it('by fifteen seconds after the first paint, however busy the page', { timeout: 120_000 }, async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Create a new wallet' }).waitFor();
    await keepTyping(page, 17_000);
    const mark = await started(page);
    expect(mark?.why).toBe('deadline');
    expect(mark!.at).toBeLessThan(16_500);
    await waitSynced(page);
  });

  it('at once when the unlocked wallet needs the chain', { timeout: 180_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await createWallet(page, 'query-pass-1', 'pay-pass-1');
    await waitSynced(page);
    // A returning user: the unlock screen, a password typed key by key, Enter.
    await page.reload();
    const unlock = page.getByLabel(/Query password/);
    await unlock.waitFor();
    await unlock.pressSequentially('query-pass-1', { delay: 50 });
    const typedAt = await page.evaluate(() => performance.now());
    await unlock.press('Enter');
    await page.getByRole('heading', { name: 'Balances' }).waitFor({ timeout: 60_000 });
    const mark = (await started(page))!;
    expect(mark.why).toBe('wallet');
    expect(mark.at - typedAt).toBeLessThan(4900);
    await waitSynced(page);
  });
});
