/** What the wallet's browser tests do as a user does: create a wallet, wait for the peer, read a balance, pick an asset. */
import { expect } from 'vitest';
import { rmSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { launchChromium } from './browser.ts';
import { startLocalNetwork, type LocalNetwork } from '../devnet/network.ts';
import { serveApp } from '../devnet/app.ts';

/** Creates a wallet through the onboarding, passing the backup check; returns its address. */
export async function createWallet(page: Page, query: string, pay: string): Promise<string> {
  return (await createWalletWithWords(page, query, pay)).address;
}

/** `createWallet`, also returning the recovery words the page showed. */
export async function createWalletWithWords(page: Page, query: string, pay: string): Promise<{ address: string; words: string[] }> {
  await page.getByRole('button', { name: 'Create a new wallet' }).click();
  const words = (await page.getByTestId('mnemonic').locator('li').allTextContents()).map((w) => w.trim());
  expect(words).toHaveLength(12);
  await page.getByRole('button', { name: 'I wrote them down' }).click();
  // A wrong word first: refused.
  const inputs = page.locator('input[data-position]');
  const positions = await inputs.evaluateAll((els) => els.map((e) => Number((e as HTMLInputElement).dataset.position)));
  expect(positions).toHaveLength(3);
  for (let i = 0; i < 3; i++) await inputs.nth(i).fill(i === 0 ? 'zzz' : words[positions[i] - 1]);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByText('That is not the word written at this position').waitFor();
  await inputs.nth(0).fill(words[positions[0] - 1]);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByLabel(/Query password/).fill(query);
  await page.getByLabel(/Pay password/).fill(pay);
  // Each password typed twice (issue 16): a mistyped repeat is refused, nothing created.
  await page.getByLabel('Repeat the query password').fill(query);
  await page.getByLabel('Repeat the pay password').fill(pay + 'x');
  await page.getByRole('button', { name: 'Create the wallet' }).click();
  await page.getByText('The two entries of the pay password differ: type it again in both.').waitFor();
  await page.getByLabel('Repeat the pay password').fill(pay);
  await page.getByRole('button', { name: 'Create the wallet' }).click();
  await page.getByRole('heading', { name: 'Balances' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Receive', exact: true }).click();
  const address = (await page.getByTestId('my-address').textContent())!.trim();
  await page.getByRole('button', { name: 'Balances', exact: true }).click();
  return { address, words };
}

export async function waitSynced(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="status"][data-phase="synced"]', { timeout: 60_000 });
}

export async function balance(page: Page, asset: string): Promise<string> {
  const row = page.locator(`[data-testid="balances"] tr[data-asset="${asset}"] td`);
  return (await row.count()) ? ((await row.textContent()) ?? '').trim() : '0';
}

/** Picks the asset whose option starts with `name` (the options of assets that are not native add their short id: "Alice Points · #1a2b3c4d"). */
export async function selectAsset(select: Locator, name: string): Promise<void> {
  const value = await select.locator('option').evaluateAll((options, n) => (options as HTMLOptionElement[]).find((o) => (o.textContent ?? '').startsWith(`${n} `) || o.textContent === n)?.value, name);
  if (value === undefined) throw new Error(`no option for ${name}`);
  await select.selectOption(value);
}


/** The local network (in this process, ports chosen by the system), the built app served beside it, and Chromium: what a wallet test runs against. */
export interface AppUnderTest {
  readonly network: LocalNetwork;
  readonly server: PreviewServer;
  readonly url: string;
  readonly browser: Browser;
  stop(): Promise<void>;
}

export async function startAppUnderTest(dir: string): Promise<AppUnderTest> {
  const network = await startLocalNetwork({ dir, relayPort: 0, httpPort: 0 });
  const { server, url } = await serveApp({ network: { network: network.network, bootstrap: network.bootstrap, faucet: network.http.url } });
  const browser = await launchChromium();
  return {
    network, server, url, browser,
    async stop() {
      await browser.close();
      await server.close();
      await network.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
