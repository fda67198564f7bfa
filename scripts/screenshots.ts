/**
 * Screenshots of the app's main screens at desktop (English) and phone (Chinese) sizes, against
 * a local network started here: for a person to look at (overflow, unreadable text). Written to
 * the folder given (default /tmp/antshares-shots), never into the repository.
 *
 *   node scripts/screenshots.ts [DIR]
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../e2e/browser.ts';
import { startLocalNetwork } from '../devnet/network.ts';
import { serveApp } from '../devnet/app.ts';
const out = process.argv[2] ?? '/tmp/antshares-shots';
mkdirSync(out, { recursive: true });
const network = await startLocalNetwork({ dir: mkdtempSync(join(tmpdir(), 'shots-')), relayPort: 0, httpPort: 0 });
const { server, url } = await serveApp({ network: { network: network.network, bootstrap: network.bootstrap, faucet: network.http.url } });
const browser = await launchChromium();
for (const [name, vp, lang] of [['desktop', { width: 1280, height: 860 }, 'en-US'], ['phone', { width: 390, height: 844 }, 'zh-CN']] as const) {
  const ctx = await browser.newContext({ viewport: vp, locale: lang, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto(url);
  const zh = lang === 'zh-CN';
  const shot = async (n: string) => page.screenshot({ path: `${out}/${name}-${n}.png`, fullPage: true });
  await shot('1-welcome');
  await page.getByRole('button', { name: zh ? '创建新钱包' : 'Create a new wallet' }).click();
  await shot('2-words');
  await page.getByRole('button', { name: zh ? '我已抄写' : 'I wrote them down' }).click();
  await page.getByRole('button', { name: zh ? '稍后检查' : 'Check later' }).click();
  await page.locator('#query-password').fill('query password 1');
  await page.locator('#pay-password').fill('pay pass');
  await shot('3-passwords');
  await page.getByRole('button', { name: zh ? '创建钱包' : 'Create the wallet' }).click();
  await page.waitForSelector('[data-testid="status"][data-phase="synced"]', { timeout: 60000 });
  for (let i = 0; i < 20; i++) {
    await page.locator('.card button.secondary').first().click();
    await page.waitForTimeout(2500);
    if (await page.locator('[data-testid="balances"]').count()) break;
  }
  await shot('4-home');
  const tabs = zh ? ['转账', '收款', '资产', '合约', '治理'] : ['Send', 'Receive', 'Assets', 'Contracts', 'Governance'];
  for (const [i, tab] of tabs.entries()) {
    await page.locator('nav.tabs').getByRole('button', { name: tab }).click();
    await page.waitForTimeout(300);
    await shot(`${5 + i}-${tab}`);
  }
  await ctx.close();
}
await browser.close();
await server.close();
await network.stop();
console.log(`screenshots in ${out}`);
process.exit(0);
