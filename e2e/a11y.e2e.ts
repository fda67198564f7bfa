/**
 * Accessibility (issue 16): axe-core (through @axe-core/playwright) finds 0 violations on every
 * main screen of the built app, in English and in Chinese: each onboarding step, the unlock
 * screen, every tab of a funded wallet, and the review before a signature.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWallet, waitSynced, startAppUnderTest, type AppUnderTest } from './wallet-helpers.ts';

let app: AppUnderTest;
const dir = mkdtempSync(join(tmpdir(), 'ans-a11y-'));
/** Every violation found, with the screen and the language it was on. */
const found: string[] = [];
const scanned: string[] = [];

beforeAll(async () => {
  app = await startAppUnderTest(dir);
});

afterAll(async () => {
  await app?.stop();
});

async function scan(page: Page, screen: string): Promise<void> {
  const lang = await page.evaluate(() => document.documentElement.lang);
  const results = await new AxeBuilder({ page }).analyze();
  scanned.push(`${lang} ${screen}`);
  for (const v of results.violations) found.push(`${lang} ${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

const WORDS = {
  en: { create: 'Create a new wallet', wrote: 'I wrote them down', restore: 'Restore from recovery words', file: 'Restore from a backup file', watch: 'Import a query-only account' },
  zh: { create: '创建新钱包', wrote: '我已抄写', restore: '用助记词恢复', file: '从备份文件恢复', watch: '导入只读账户' },
};

async function onboardingScreens(locale: string, w: (typeof WORDS)['en']): Promise<void> {
  const context = await app.browser.newContext({ locale });
  const page = await context.newPage();
  const start = async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: w.create }).waitFor();
  };
  await start();
  await scan(page, 'start');
  await page.getByRole('button', { name: w.create }).click();
  await scan(page, 'recovery words');
  await page.getByRole('button', { name: w.wrote }).click();
  await scan(page, 'backup check');
  for (const [name, screen] of [[w.restore, 'restore from words'], [w.file, 'restore from a file'], [w.watch, 'query-only import']] as const) {
    await start();
    await page.getByRole('button', { name }).click();
    await scan(page, screen);
  }
  await context.close();
}

describe('axe-core on every main screen, in both languages', () => {
  it('onboarding, in English and in Chinese', { timeout: 120_000 }, async () => {
    await onboardingScreens('en-US', WORDS.en);
    await onboardingScreens('zh-CN', WORDS.zh);
  });

  it('a funded wallet: every tab, the review before a signature, and the unlock screen; then the same in Chinese', { timeout: 240_000 }, async () => {
    const context = await app.browser.newContext({ locale: 'en-US', viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    await page.goto(app.url);
    const address = await createWallet(page, 'a11y query pw', 'a11y pay pw');
    await waitSynced(page);
    for (let i = 0; i < 20; i++) {
      await page.getByRole('button', { name: 'Get test funds (faucet)' }).click();
      const answer = page.locator('[role="status"].ok, .card [role="alert"]').first();
      await answer.waitFor({ timeout: 30_000 });
      if ((await answer.getAttribute('class'))?.includes('ok')) break;
      await page.waitForTimeout(3000);
    }
    await page.waitForSelector('[data-testid="balances"] tr[data-asset="AntShare"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="history"] li .what', { timeout: 30_000 });
    const tabs = ['Balances', 'Send', 'Receive', 'Assets', 'Contracts', 'Governance', 'Address book', 'Backup'];
    const zhTabs = ['余额', '转账', '收款', '资产', '合约', '治理', '地址簿', '备份'];
    for (const [lang, names] of [['en', tabs], ['zh', zhTabs]] as const) {
      if (lang === 'zh') {
        await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
        await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      }
      expect(await page.locator('nav.tabs button').allTextContents()).toEqual(names);
      for (const name of names) {
        await page.locator('nav.tabs button', { hasText: name }).click();
        await scan(page, `tab ${tabs[names.indexOf(name)]}`);
      }
      // The review before a signature: a payment to itself.
      await page.locator('nav.tabs button', { hasText: names[1] }).click();
      await page.locator('#send-amount').fill('1');
      await page.locator('#send-to').fill(address);
      await page.getByTestId('send-check').click();
      await page.getByTestId('send-review').waitFor();
      await scan(page, 'review before signing');
      await page.locator('form.review button.secondary').click();
    }
    await page.reload();
    await page.locator('input[type="password"]').first().waitFor();
    await scan(page, 'unlock');
    await context.close();
  });

  it('found no violation', () => {
    console.log(`axe-core ${scanned.length} screens: ${scanned.join('; ')}`);
    expect(scanned.length).toBeGreaterThanOrEqual(2 * 6 + 2 * 9 + 1);
    expect(found).toEqual([]);
  });
});
