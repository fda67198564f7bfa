/**
 * Where the main thread's time goes in a fresh page's first seconds (the part Lighthouse's Total
 * Blocking Time counts): the built app beside a local network, Debian's Chromium with the CPU
 * slowed 4x as Lighthouse's mobile run slows it, a CPU profile of the first SECONDS (default 8),
 * then the long tasks (> 50 ms) with the functions that took most of each, and the functions
 * with the most self time overall. A diagnostic, not part of `npm run bench`.
 *
 *   node bench/first-screen-profile.ts
 *   SECONDS=12 node bench/first-screen-profile.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, serveApp } from '../devnet/app.ts';
import { startLocalNetwork } from '../devnet/network.ts';
import { launchChromium, ROOT } from '../e2e/browser.ts';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { existsSync, readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

const seconds = Number(process.env.SECONDS ?? 8);
await buildApp();
const dir = mkdtempSync(join(tmpdir(), 'antshares-profile-'));
const network = await startLocalNetwork({ dir, relayPort: 0, httpPort: 0 });
const { server, url } = await serveApp({ network: { network: network.network, bootstrap: network.bootstrap, faucet: network.http.url }, build: false });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.goto(url);
  await page.waitForTimeout(seconds * 1000);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Minified names mapped back to the source through the build's source maps.
  const maps = new Map<string, TraceMap | undefined>();
  const mapOf = (file: string) => {
    if (!maps.has(file)) {
      const path = join(ROOT, 'dist', 'assets', `${file}.map`);
      maps.set(file, existsSync(path) ? new TraceMap(readFileSync(path, 'utf8')) : undefined);
    }
    return maps.get(file);
  };
  const label = (n: ProfileNode) => {
    const { functionName, url, lineNumber, columnNumber } = n.callFrame;
    const file = url.replace(/^.*\/assets\//, '');
    const map = file && url.includes('/assets/') ? mapOf(file) : undefined;
    if (map) {
      const at = originalPositionFor(map, { line: lineNumber + 1, column: columnNumber });
      if (at.source) return `${at.name ?? functionName ?? '(anonymous)'} ${at.source.replace(/^(\.\.\/)+/, '').replace(/^node_modules\//, '')}:${at.line}`;
    }
    return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
  };
  // Sample times in page time (ms since navigation start): the profile's clock is in µs, monotonic.
  const samples: { at: number; node: number }[] = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    samples.push({ at: t / 1000, node: profile.samples[i] });
  }
  const top = (from: number, to: number, count: number) => {
    const self = new Map<string, number>();
    const total = new Map<string, number>();
    for (let i = 1; i < samples.length; i++) {
      const s = samples[i];
      if (s.at < from || s.at > to) continue;
      const dt = s.at - samples[i - 1].at;
      const node = byId.get(s.node)!;
      if (node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)') continue;
      self.set(label(node), (self.get(label(node)) ?? 0) + dt);
      const seen = new Set<string>();
      for (let id: number | undefined = s.node; id !== undefined; id = parent.get(id)) {
        const l = label(byId.get(id)!);
        if (seen.has(l)) continue;
        seen.add(l);
        total.set(l, (total.get(l) ?? 0) + dt);
      }
    }
    const fmt = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, count).map(([k, v]) => `    ${v.toFixed(0).padStart(6)} ms  ${k}`).join('\n');
    return `  self:\n${fmt(self)}\n  total (inclusive):\n${fmt(total)}`;
  };
  // Long tasks from the profile itself (runs of samples with no idle between them, > 50 ms): one
  // clock for the tasks and the functions in them.
  const tasks: { start: number; end: number }[] = [];
  let run: { start: number; end: number } | undefined;
  for (const s of samples) {
    const idle = byId.get(s.node)!.callFrame.functionName === '(idle)';
    if (idle) {
      if (run && run.end - run.start > 50) tasks.push(run);
      run = undefined;
    } else run = run ? { start: run.start, end: s.at } : { start: s.at, end: s.at };
  }
  if (run && run.end - run.start > 50) tasks.push(run);
  const first = samples[0]?.at ?? 0;
  console.log(`first contentful paint at ${fcp.toFixed(0)} ms (page time); busy stretches over 50 ms (4x CPU slowdown): ${tasks.length}, ${tasks.reduce((a, x) => a + x.end - x.start - 50, 0).toFixed(0)} ms over 50 ms in all`);
  for (const task of tasks) {
    console.log(`\n- ${(task.start - first).toFixed(0)} ms after the profile began, ${(task.end - task.start).toFixed(0)} ms`);
    console.log(top(task.start, task.end, task.end - task.start > 300 ? 40 : 8));
  }
  console.log(`\nwhole ${seconds} s:`);
  console.log(top(0, Infinity, 25));
} finally {
  await browser.close();
  await server.close();
  await network.stop();
  rmSync(dir, { recursive: true, force: true });
}
