/**
 * The wallet app (issue 5): the gzipped JavaScript loaded before the first screen, and the time
 * from a fresh page to a synced wallet on a chain of 10,000 blocks with transactions, served by
 * one Node peer on loopback; blocks validated per second in Chromium, and the signatures that
 * makes per second as a ratio to raw WebCrypto verification in the same browser.
 *
 *   node bench/app.ts                   10,000 blocks (the chain is cached in .bench-cache/)
 *   BENCH_BLOCKS=2000 node bench/app.ts
 *   BENCH_VERBOSE=1 node bench/app.ts   also each main-thread task over 50 ms: start, length, height
 *   BENCH_PROFILE=out.cpuprofile …      a CPU profile of the page from load to synced
 *
 * Also the page's long tasks during the load and the sync: the interface must not stall.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../core/state/chain.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { Node } from '../core/node/node.ts';
import { ROOT, buildApp, serveApp } from '../devnet/app.ts';
import { launchChromium } from '../e2e/browser.ts';
import { benchChain } from '../test/chain-fixture.ts';
import { fmt, header, line } from './util.ts';

/** Gzipped bytes of what index.html loads before the first screen: the entry, its preloads, the CSS. */
function firstScreen(): { js: number; css: number; files: number } {
  const dist = join(ROOT, 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  let js = 0;
  let css = 0;
  for (const r of refs) {
    const size = gzipSync(readFileSync(join(dist, r)), { level: 9 }).length;
    if (r.endsWith('.js')) js += size;
    else css += size;
  }
  return { js, css, files: refs.length };
}

export async function benchApp(): Promise<void> {
  header('Wallet app: first screen, and a fresh page syncing a chain');
  await buildApp();
  const first = firstScreen();
  line('JavaScript before the first screen (gzip -9)', `${fmt(first.js / 1024)} KB`, `${first.files} files incl. CSS ${fmt(first.css / 1024)} KB; goal <= 300 KB (libp2p and the peer load after first paint)`);

  const count = Number(process.env.BENCH_BLOCKS ?? 10_000);
  const { network, blocks } = await benchChain(count);
  const dir = mkdtempSync(join(tmpdir(), 'antshares-app-bench-'));
  const { devnetFromFile } = await import('../core/state/settings.ts');
  const settings = devnetFromFile(network);
  const chain = await Chain.open(await LevelStore.open(join(dir, 'peer')), settings);
  await chain.addBlocks(blocks);
  await chain.close();
  const peer = await Node.start({ settings, store: await LevelStore.open(join(dir, 'peer')), listen: ['/ip4/127.0.0.1/tcp/0/ws'], relay: true });
  const { server, url } = await serveApp({ network: { network, bootstrap: peer.peer.addresses() }, build: false });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    if (process.env.BENCH_VERBOSE) page.on('console', (m) => m.text().startsWith('longtask') && console.log(m.text()));
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    // The interface must not stall while the peer syncs: every main-thread task over 50 ms.
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: { ms: number; syncing: boolean }[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          // Before the first block is applied (loading the app and the peer), or during the sync.
          const height = Number(document.querySelector('[data-testid=status]')?.getAttribute('data-height') ?? -1);
          w.longTasks.push({ ms: e.duration, syncing: height > 0 });
          // With BENCH_VERBOSE: when (ms after navigation), how long (ms), at which height.
          console.log(`longtask ${Math.round(e.startTime)} ${Math.round(e.duration)} ${document.querySelector('[data-testid=status]')?.getAttribute('data-height')}`);
        }
      }).observe({ type: 'longtask', buffered: true });
    });
    const t0 = performance.now();
    await page.goto(url);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const painted = performance.now() - t0;
    await page.waitForSelector(`[data-testid="status"][data-phase="synced"][data-height="${count}"]`, { timeout: 30 * 60_000 });
    const seconds = (performance.now() - t0) / 1000;
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: { ms: number; syncing: boolean }[] }).longTasks);
    if (cdp) writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    // Raw WebCrypto P-256 verification in the same browser: 2,000 signatures, 64 in flight.
    const raw = await page.evaluate(async () => {
      const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
      const alg = { name: 'ECDSA', hash: 'SHA-256' };
      const items = await Promise.all(Array.from({ length: 2000 }, async (_, i) => {
        const m = new TextEncoder().encode(`message ${i}`);
        return { m, s: await crypto.subtle.sign(alg, pair.privateKey, m) };
      }));
      const t = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 64 }, async () => {
        while (next < items.length) {
          const it = items[next++];
          await crypto.subtle.verify(alg, pair.publicKey, it.s, it.m);
        }
      }));
      return items.length / ((performance.now() - t) / 1000);
    });
    const perBlock = 4; // three header signatures (M of 4) and one transfer
    line(`fresh page to synced wallet: ${fmt(count)} blocks, 1 transfer each`, `${seconds.toFixed(1)} s`, `first screen after ${fmt(painted)} ms; IndexedDB, every block validated`);
    line('blocks validated per second in Chromium (sync)', `${fmt(count / seconds)}/s`,
      `${fmt((count * perBlock) / seconds)} signatures/s = ${((count * perBlock) / seconds / raw).toFixed(2)} x raw WebCrypto in the page (${fmt(raw)}/s)`);
    for (const syncing of [false, true]) {
      const tasks = longTasks.filter((l) => l.syncing === syncing).map((l) => l.ms);
      line(`page thread ${syncing ? 'during the sync' : 'while the app and the peer load'}: longest task`, `${fmt(Math.max(0, ...tasks))} ms`,
        `${tasks.length} tasks over 50 ms, ${fmt(tasks.reduce((a, b) => a + b, 0))} ms in them (PerformanceObserver 'longtask')`);
    }
  } finally {
    await browser.close();
    await server.close();
    await peer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchApp();
