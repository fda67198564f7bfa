/**
 * Lighthouse 12.2.3 (pinned) on the built app, served beside a local network (relay, four
 * validators, faucet) as `npm start` serves it, in Debian's Chromium: the mobile run (Lighthouse's
 * default: a mid-range phone, 4x CPU slowdown, slow 4G) and the desktop run, with the scores of
 * performance, accessibility, best practices and SEO, and the metrics behind performance.
 * Goals (issue 16): mobile performance >= 90, accessibility 100, best practices 100, SEO >= 95.
 *
 *   node bench/lighthouse.ts
 *   LIGHTHOUSE_SAVE=dir node bench/lighthouse.ts   also writes each run's full report (JSON) there
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse, { desktopConfig } from 'lighthouse';
import { launch } from 'chrome-launcher';
import { buildApp, serveApp } from '../devnet/app.ts';
import { startLocalNetwork } from '../devnet/network.ts';
import { CHROMIUM } from '../e2e/browser.ts';
import { header, line } from './util.ts';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const GOALS: Record<string, string> = { performance: 'mobile goal >= 90', accessibility: 'goal 100', 'best-practices': 'goal 100', seo: 'goal >= 95' };

export async function benchLighthouse(): Promise<void> {
  header('Wallet app: Lighthouse 12.2.3 (mobile and desktop)');
  await buildApp();
  const dir = mkdtempSync(join(tmpdir(), 'antshares-lighthouse-'));
  const network = await startLocalNetwork({ dir, relayPort: 0, httpPort: 0 });
  const { server, url } = await serveApp({ network: { network: network.network, bootstrap: network.bootstrap, faucet: network.http.url }, build: false });
  const chrome = await launch({ chromePath: CHROMIUM, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
  try {
    for (const form of ['mobile', 'desktop'] as const) {
      const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] }, form === 'desktop' ? desktopConfig : undefined);
      const lhr = result?.lhr;
      if (!lhr) throw new Error(`Lighthouse gave no result for ${form}`);
      if (lhr.runtimeError) throw new Error(`Lighthouse (${form}): ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      if (process.env.LIGHTHOUSE_SAVE) writeFileSync(join(process.env.LIGHTHOUSE_SAVE, `lighthouse-${form}.json`), JSON.stringify(lhr));
      const score = (c: string) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
      const metric = (id: string) => lhr.audits[id]?.displayValue ?? '–';
      line(`${form}: performance`, String(score('performance')), `${form === 'mobile' ? GOALS.performance : 'desktop'}; TBT ${metric('total-blocking-time')}, LCP ${metric('largest-contentful-paint')}, CLS ${metric('cumulative-layout-shift')}, FCP ${metric('first-contentful-paint')} (node bench/lighthouse.ts)`);
      line(`${form}: accessibility, best practices, SEO`, `${score('accessibility')}, ${score('best-practices')}, ${score('seo')}`, 'goals 100, 100, >= 95');
      // What keeps a score from its goal, by the audits that lost points.
      const failing = CATEGORIES.filter((c) => c !== 'performance').flatMap((c) => (lhr.categories[c]?.auditRefs ?? [])
        .filter((r) => r.weight > 0 && (lhr.audits[r.id]?.score ?? 1) < 1).map((r) => `${c}: ${r.id}`));
      if (failing.length) console.log(`  ${form}: audits below full marks: ${failing.join('; ')}`);
    }
  } finally {
    chrome.kill();
    await server.close();
    await network.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLighthouse();
