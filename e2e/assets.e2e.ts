/**
 * Asset identity in the built app (issue 16): an asset anyone registers under a native asset's
 * name, and assets whose names are hostile data, issued to a wallet that never asked for them.
 * The test builds the registrations itself (the network's genesis holder pays), as an attacker
 * would, and submits them to the relay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '../core/encoding/bytes.ts';
import { FIXED8_ONE } from '../core/encoding/primitives.ts';
import { getPublicKey } from '../core/crypto/keys.ts';
import { addressToScriptHash, scriptHash, singleKeyScript } from '../core/script/accounts.ts';
import { signTransaction, transactionHash, type Transaction } from '../core/tx/transaction.ts';
import { buildPayment } from '../core/wallet/payment.ts';
import type { LocalNetwork } from '../devnet/network.ts';
import { createWallet, waitSynced, startAppUnderTest, type AppUnderTest } from './wallet-helpers.ts';

let app: AppUnderTest;
let browser: Browser;
let network: LocalNetwork;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'ans-assets-'));
const problems: string[] = [];

beforeAll(async () => {
  app = await startAppUnderTest(dir);
  ({ network, url, browser } = app);
});

afterAll(async () => {
  await app?.stop();
});

/** Signs with the genesis holder's key (payer, issuer and admin of what it registers), submits to the relay, waits until final. */
async function holderSends(build: (holder: { script: Uint8Array; hash: Uint8Array; publicKey: Uint8Array }) => Transaction): Promise<Uint8Array> {
  const key = hexToBytes((JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')) as { faucetKey: string }).faucetKey);
  const publicKey = getPublicKey(key);
  const script = singleKeyScript(publicKey);
  const signed = signTransaction(build({ script, hash: scriptHash(script), publicKey }), [{ script, keys: [key] }]);
  const hash = transactionHash(signed);
  for (let attempt = 0; ; attempt++) {
    try {
      await network.relay.submit(signed);
      break;
    } catch (e) {
      // The holder's AntCoin comes with blocks; its last payment may still be waiting for one.
      if (attempt > 30) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const until = Date.now() + 60_000;
  while (!network.relay.chain.ledger.txs.has(bytesToHex(hash))) {
    if (Date.now() > until) throw new Error('not final within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  return hash;
}

/** Registers a Token with `name` (any text) and issues `amount` of it to `to`, unasked. */
async function registerAndIssue(name: string, amount: bigint, to: Uint8Array): Promise<string> {
  const ledger = network.relay.chain.ledger;
  const settings = network.relay.settings;
  const assetId = await holderSends((h) => buildPayment({
    ledger, settings, script: h.script, outputs: [],
    template: { type: 'RegisterTransaction', version: 0, attributes: [], assetType: 'Token', name, amount: 1_000_000n * FIXED8_ONE, precision: 8, issuer: h.publicKey, admin: h.hash },
  }).tx);
  await holderSends((h) => buildPayment({
    ledger, settings, script: h.script, outputs: [], created: [{ assetId, value: amount, scriptHash: to }],
    template: { type: 'IssueTransaction', version: 0, attributes: [] },
  }).tx);
  return bytesToHex(assetId);
}

const HOSTILE_NAMES = [
  JSON.stringify([{ lang: 'en', name: { x: 1 } }, { lang: 'zh-CN', name: 12 }, null, 'loose']),
  // A name field holds at most 1,024 bytes (the reference's limit): the longest string there is.
  JSON.stringify([{ lang: 'en', name: `<img src=x onerror="document.body.dataset.owned=1">${'W'.repeat(940)}` }]),
  '<script>document.body.dataset.owned=1</script>',
  JSON.stringify([{ lang: 'en', name: '\u202Eevil\u200B\u0000 name' }]),
  '[{"lang":"en","name":"cut',
];

async function openApp(hash = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(new URL(hash, url).href);
  return page;
}

describe('asset identity (issue 16)', () => {
  let alice: Page;
  let aliceHash: Uint8Array;

  it('a fake "AntCoin" issued to a wallet shows apart, marked, with its id, and never in place of the native asset', { timeout: 240_000 }, async () => {
    alice = await openApp();
    const address = await createWallet(alice, 'alice query pw', 'alice pay pw');
    aliceHash = addressToScriptHash(address, network.settings.addressVersion);
    await waitSynced(alice);
    await alice.getByRole('button', { name: 'Get test funds' }).click();
    const native = alice.locator('[data-testid="balances"] tr[data-asset="AntCoin"]');
    await native.waitFor({ timeout: 60_000 });
    const fake = await registerAndIssue('[{"lang":"zh-CN","name":"小蚁币"},{"lang":"en","name":"AntCoin"}]', 5000n * FIXED8_ONE, aliceHash);
    const apart = alice.getByTestId('not-requested').locator('tr[data-asset="AntCoin"]');
    await apart.waitFor({ timeout: 60_000 });
    // The native row: one, marked native, its balance the faucet's 10.
    expect(await alice.locator('[data-testid="balances"] tr[data-asset="AntCoin"]').count()).toBe(1);
    expect(await native.getAttribute('data-native')).toBe('true');
    expect(await native.locator('.badge.native').textContent()).toBe('native');
    expect((await native.locator('td.amount').textContent())?.trim()).toBe('10');
    // The fake: apart, its id beside it, marked as not the native asset.
    expect(await apart.locator('.asset-id').textContent()).toBe(`#${fake.match(/../g)!.reverse().join('').slice(0, 8)}`);
    expect(await apart.getByText('not the native asset: it only has its name').count()).toBe(1);
    expect((await apart.locator('td.amount').textContent())?.trim()).toBe('5000');
    // Not offered for sending; and in the contract lists, marked with its id.
    await alice.getByRole('button', { name: 'Send', exact: true }).click();
    expect(await alice.locator('#send-asset option').allTextContents()).toEqual(['AntCoin (10)', 'AntShare (100)']);
    await alice.getByRole('button', { name: 'Contracts', exact: true }).click();
    const options = await alice.getByRole('combobox', { name: 'You get: Asset' }).locator('option').allTextContents();
    expect(options.filter((o) => o === 'AntCoin')).toHaveLength(1);
    expect(options.filter((o) => o.startsWith('AntCoin · #') && o.endsWith('⚠'))).toHaveLength(1);
  });

  it('hostile name lists (objects, numbers, a string as long as a name field holds, HTML) show as bounded text on a second wallet, whose every tab keeps working', { timeout: 240_000 }, async () => {
    for (const name of HOSTILE_NAMES) await registerAndIssue(name, 7n * FIXED8_ONE, aliceHash);
    const bob = await openApp();
    await createWallet(bob, 'bob query pw', 'bob pay pw');
    await waitSynced(bob);
    for (const tab of ['Balances', 'Send', 'Receive', 'Assets', 'Contracts', 'Governance']) {
      await bob.getByRole('button', { name: tab, exact: true }).click();
      expect(await bob.getByTestId('broken').count(), tab).toBe(0);
    }
    await bob.getByRole('button', { name: 'Contracts', exact: true }).click();
    const options = await bob.getByRole('combobox', { name: 'You get: Asset' }).locator('option').allTextContents();
    expect(options.some((o) => o.startsWith('<img src=x') && o.includes('…'))).toBe(true);
    expect(options.some((o) => o.startsWith('<script>'))).toBe(true);
    expect(options.some((o) => o.startsWith('evil name · #'))).toBe(true);
    expect(options.some((o) => o.startsWith('(no name) · #'))).toBe(true);
    for (const o of options) expect(Array.from(o.split(' · #')[0]).length).toBeLessThanOrEqual(40);
    expect(await bob.evaluate(() => document.body.dataset.owned)).toBeUndefined();
    // Alice, who holds them all unasked, still sees every tab.
    for (const tab of ['Balances', 'Send', 'Assets', 'Contracts']) {
      await alice.getByRole('button', { name: tab, exact: true }).click();
      expect(await alice.getByTestId('broken').count(), tab).toBe(0);
    }
    await alice.getByRole('button', { name: 'Balances', exact: true }).click();
    expect(await alice.getByTestId('not-requested').locator('tr').count()).toBe(1 + HOSTILE_NAMES.length);
    expect(problems).toEqual([]);
  });

  it('a damaged link (/#%, a cut offer link) shows a message and the app still opens', { timeout: 60_000 }, async () => {
    for (const hash of ['#%', '#ans-offer:%E0%A4%A']) {
      const page = await openApp(hash);
      await page.getByTestId('bad-link').waitFor();
      await page.getByRole('button', { name: 'Create a new wallet' }).waitFor();
      await page.context().close();
    }
    expect(problems).toEqual([]);
  });
});

describe('accessibility (issue 16)', () => {
  it('the app opened in Chinese says so in <html lang>; each onboarding step puts the focus on its heading; only the phase is a live region', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(url);
    await page.getByRole('button', { name: '创建新钱包' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByRole('button', { name: '创建新钱包' }).click();
    expect(await page.evaluate(() => document.activeElement?.tagName + ' ' + document.activeElement?.textContent)).toBe('H3 你的助记词');
    await page.getByRole('button', { name: '我已抄写' }).click();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H3');
    // The live region: the phase's words only; the bar's ticking figures sit outside it.
    const live = await page.locator('[role="status"]').evaluateAll((els) => els.map((e) => e.closest('[data-testid="status"]') ? e.getAttribute('data-testid') : null).filter(Boolean));
    expect(live).toEqual(['status-state']);
    await context.close();
    expect(problems).toEqual([]);
  });
});
