import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { builtApp, launchChromium } from './browser.ts';
import { buildChain } from '../test/fixtures.ts';
import { bytesToHex, uintToString } from '../core/encoding/index.ts';
import { encodeTransaction, transactionHash } from '../core/tx/index.ts';

let browser: Browser;
let server: PreviewServer;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  const app = await builtApp();
  server = app.server;
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(app.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the built app in Chromium', () => {
  it('loads under its Content Security Policy without errors', async () => {
    await expect(page.title()).resolves.toBe('Antshares Web');
    await page.getByRole('heading', { name: 'Antshares Web' }).waitFor();
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(problems).toEqual([]);
  });

  it('checks addresses: a good one shows its script hash, a mistyped one is refused', async () => {
    await page.getByText('Protocol tools').click();
    const input = page.getByLabel('Address', { exact: true });
    await input.fill('ALq7AWrhAueN6mJNqk6FHJjnsEoPRytLdW');
    await page.getByTestId('address-ok').waitFor();
    await expect(page.getByTestId('address-ok').textContent()).resolves.toContain('cef0c0fdcfe7838eff6ff104f9cdec2922297537');
    await input.fill('ALq7AWrhAueN6mJNqk6FHJjnsEoPRytLdX');
    await page.getByTestId('address-error').waitFor();
    await expect(page.getByTestId('address-error').textContent()).resolves.toMatch(/checksum/i);
  });

  it('decodes a signed transaction and shows its hash; garbage gets the decode error', async () => {
    const tx = buildChain(1).block1.transactions[1];
    await page.getByLabel('Hex').fill(bytesToHex(encodeTransaction(tx)));
    await page.getByTestId('decoded').waitFor();
    const json = JSON.parse((await page.getByTestId('decoded').textContent()) ?? '{}');
    expect(json.hash).toBe(uintToString(transactionHash(tx)));
    expect(json.type).toBe('ContractTransaction');
    await page.getByLabel('Hex').fill('80ff');
    await page.getByTestId('decode-error').waitFor();
    await expect(page.getByTestId('decode-error').textContent()).resolves.toMatch(/Transaction/);
    expect(problems).toEqual([]);
    // SCREENSHOT_DIR=/tmp/shots npm run test:e2e keeps pictures of the screens for a person to look at.
    const dir = process.env.SCREENSHOT_DIR;
    if (dir) {
      for (const [name, width, height] of [['phone', 390, 844], ['desktop', 1280, 800]] as const) {
        await page.setViewportSize({ width, height });
        await page.screenshot({ path: `${dir}/app-${name}.png`, fullPage: true });
      }
    }
  });
});
