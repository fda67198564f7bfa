/**
 * Storage: blocks of 1,000 signed transfers received as bytes, checked against every rule and
 * written atomically, on the disk backend (Node) and on IndexedDB in Chromium; as transactions
 * per second and as a ratio to raw signature verification measured in the same run and runtime,
 * before and after the syncs (the faster of the two is the baseline).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '../core/encoding/index.ts';
import { SignatureVerifier } from '../core/crypto/index.ts';
import { decodeBlock } from '../core/block/index.ts';
import { signingMessage } from '../core/tx/index.ts';
import { Chain, devnet } from '../core/state/index.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { prioritizeEventLoop, setThreadPoolPriority } from '../core/node/priority.node.ts';
import type { Page } from 'playwright-core';
import { devServer, launchChromium } from '../e2e/browser.ts';
import '../e2e/core-types.ts';
import { fmt, header, line, median } from './util.ts';
import { transferWorkload, type Workload } from './workload.ts';

function dirSize(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

/** Raw verification of the workload's own signatures, all in flight: the baseline. */
async function rawRate(w: Workload, verifier: SignatureVerifier): Promise<number> {
  const items = w.blocks.flatMap((bytes) => decodeBlock(bytes).transactions.slice(1).map((tx) => ({
    signature: tx.witnesses[0].invocation.subarray(1), message: signingMessage(tx), publicKey: tx.witnesses[0].verification.subarray(1, 34),
  })));
  await verifier.verifyMany(items.slice(0, 500));
  const t0 = performance.now();
  const ok = await verifier.verifyMany(items, 64);
  if (!ok.every(Boolean)) throw new Error('bench: a workload signature failed');
  return items.length / ((performance.now() - t0) / 1000);
}

/**
 * Measured passes after the warm-up one (a syncing node's code is warm after its first blocks),
 * each just after its own raw baseline: the goal is read on the median of the per-pass ratios,
 * as the protocol rows read theirs (two rates taken side by side move together on a shared
 * machine; a rate and a baseline taken a minute apart do not).
 */
const PASSES = 5;
/** A pause before each measured pass: the last pass's store closes and its memory is collected outside the timing. */
const SETTLE_MS = 1000;
const settle = () => new Promise((done) => setTimeout(done, SETTLE_MS));

async function disk(w: Workload): Promise<void> {
  const settings = devnet({ standbyValidators: w.validators.map(hexToBytes), antShareHolder: hexToBytes(w.holder) });
  const txs = w.blocks.length * w.transfersPerBlock;
  // One pass: a fresh store and chain, the setup blocks, then the timed sync of the workload.
  const pass = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antshares-bench-'));
    try {
      const chain = await Chain.open(await LevelStore.open(dir), settings);
      for (const b of w.setup) await chain.addBlock(decodeBlock(b));
      const t0 = performance.now();
      // As a syncing node: each block checked as received, its write queued behind the last.
      await chain.addBlocks(w.blocks, { verifier: new SignatureVerifier() });
      const seconds = (performance.now() - t0) / 1000;
      const utxos = chain.ledger.utxos.size;
      await chain.close();
      return { seconds, utxos, bytes: dirSize(dir) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // The sync runs as a Node peer runs (its thread pool below its event loop: cli/network.ts),
  // the baseline as the pool verifies fastest (at the default priority), just before each pass.
  await prioritizeEventLoop();
  const cold = await pass();
  const rounds = [];
  for (let i = 0; i < PASSES; i++) {
    await settle();
    await setThreadPoolPriority(0);
    const raw = await rawRate(w, new SignatureVerifier());
    await prioritizeEventLoop();
    const p = await pass();
    rounds.push({ rate: txs / p.seconds, raw });
  }
  await setThreadPoolPriority(0);
  const rate = median(rounds.map((r) => r.rate));
  line(`disk (classic-level): ${w.blocks.length} blocks of ${w.transfersPerBlock} transfers`, `${fmt(rate)} tx/s`,
    `${(rate / w.transfersPerBlock).toFixed(1)} blocks/s; ${pairedNote(rounds, 'raw WebCrypto, new key cache')}; after a first pass with cold code (${fmt(txs / cold.seconds)} tx/s)`);
  line('disk: store bytes per unspent output (blocks, deltas, state)', `${fmt(cold.bytes / cold.utxos)} B`, `${fmt(cold.utxos)} unspent outputs`);
}

/** The report of paired rounds: the median ratio (the goal's), then each round's rate against its baseline. */
function pairedNote(rounds: { rate: number; raw: number }[], baseline: string): string {
  const ratio = median(rounds.map((r) => r.rate / r.raw));
  return `${ratio.toFixed(2)} x ${baseline} (goal >= 0.5): median of ${rounds.length} passes, each against the raw rate measured just before it ` +
    `(${rounds.map((r) => `${fmt(r.rate)}/${fmt(r.raw)}`).join(', ')} tx/s / raw/s)`;
}

const hex = (bs: Uint8Array[]) => bs.map(bytesToHex);

/** Runs `use` with a Chromium page that has core/ on `window.core` (e2e/pages/core.html). */
async function withCorePage(use: (page: Page) => Promise<void>): Promise<void> {
  const { server, url } = await devServer();
  const chromium = await launchChromium();
  try {
    const page = await chromium.newPage();
    await page.goto(new URL('/e2e/pages/core.html', url).href);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    await use(page);
  } finally {
    await chromium.close();
    await server.close();
  }
}

function browser(w: Workload, inWorkers: boolean): Promise<void> {
  return withCorePage(async (page) => {
    const r = await page.evaluate(async ({ validators, holder, setup, blocks, inWorkers, passes, settleMs }) => {
      const { state, idb, encoding, block, crypto, tx } = window.core;
      const pool = inWorkers ? new crypto.WorkerVerifier({ workers: navigator.hardwareConcurrency }) : undefined;
      const newVerifier = () => pool ?? new crypto.SignatureVerifier();
      const settings = state.devnet({ standbyValidators: validators.map(encoding.hexToBytes), antShareHolder: encoding.hexToBytes(holder) });
      const bytes = blocks.map(encoding.hexToBytes);
      const items = bytes.flatMap((b) => block.decodeBlock(b).transactions.slice(1).map((t) => ({
        signature: t.witnesses[0].invocation.subarray(1), message: tx.signingMessage(t), publicKey: t.witnesses[0].verification.subarray(1, 34),
      })));
      const rawOnce = async () => {
        const v = newVerifier();
        const t0 = performance.now();
        await v.verifyMany(items, pool ? 2048 : 64);
        return items.length / ((performance.now() - t0) / 1000);
      };
      // One pass: a fresh database and chain, the setup blocks, then the timed sync.
      const pass = async (n: number) => {
        const name = `bench-${Date.now()}-${n}`;
        const chain = await state.Chain.open(await idb.IdbStore.open(name), settings);
        for (const b of setup) await chain.addBlock(block.decodeBlock(encoding.hexToBytes(b)));
        const t0 = performance.now();
        await chain.addBlocks(bytes, { verifier: newVerifier() });
        const seconds = (performance.now() - t0) / 1000;
        const utxos = chain.ledger.utxos.size;
        await chain.close();
        return { seconds, utxos, name };
      };
      const cold = await pass(0);
      const usage = (await navigator.storage.estimate()).usage ?? 0;
      indexedDB.deleteDatabase(cold.name);
      const rounds: { seconds: number; raw: number }[] = [];
      for (let i = 1; i <= passes; i++) {
        await new Promise((done) => setTimeout(done, settleMs));
        const raw = await rawOnce();
        const p = await pass(i);
        indexedDB.deleteDatabase(p.name);
        rounds.push({ seconds: p.seconds, raw });
      }
      const workers = pool?.workers ?? 0;
      pool?.terminate();
      return { cold: cold.seconds, rounds, utxos: cold.utxos, usage, workers };
    }, { validators: w.validators, holder: w.holder, setup: hex(w.setup), blocks: hex(w.blocks), inWorkers, passes: PASSES, settleMs: SETTLE_MS });
    const txs = w.blocks.length * w.transfersPerBlock;
    const rounds = r.rounds.map((x) => ({ rate: txs / x.seconds, raw: x.raw }));
    const rate = median(rounds.map((x) => x.rate));
    const where = r.workers ? `signatures in ${r.workers} Web Worker${r.workers > 1 ? 's' : ''}` : 'signatures on the page thread';
    line(`Chromium IndexedDB, ${where}`, `${fmt(rate)} tx/s`,
      `${(rate / w.transfersPerBlock).toFixed(2)} blocks/s; ${pairedNote(rounds, 'raw WebCrypto verification the same way')}; after a first pass with cold code (${fmt(txs / r.cold)} tx/s)`);
    if (!inWorkers) line('Chromium: storage used per unspent output (navigator.storage.estimate)', `${fmt(r.usage / r.utxos)} B`, `${fmt(r.utxos)} unspent outputs, after the first pass`);
  });
}

/**
 * The wallet's way: the chain in a worker (RemoteChain; rules, signatures in a nested worker,
 * IndexedDB there), the page replaying deltas. Against raw verification in Web Workers, and the
 * page thread's longest task meanwhile (the interface must not stall).
 */
function browserWorkerChain(w: Workload): Promise<void> {
  return withCorePage(async (page) => {
    const r = await page.evaluate(async ({ validators, holder, setup, blocks, passes, settleMs }) => {
      const { state, encoding, block, crypto, tx, remote } = window.core;
      const settings = state.devnet({ standbyValidators: validators.map(encoding.hexToBytes), antShareHolder: encoding.hexToBytes(holder) });
      const bytes = blocks.map(encoding.hexToBytes);
      const items = bytes.flatMap((b) => block.decodeBlock(b).transactions.slice(1).map((t) => ({
        signature: t.witnesses[0].invocation.subarray(1), message: tx.signingMessage(t), publicKey: t.witnesses[0].verification.subarray(1, 34),
      })));
      const rawOnce = async () => {
        const pool = new crypto.WorkerVerifier({ workers: navigator.hardwareConcurrency });
        await pool.verifyMany(items.slice(0, 200), 2048);
        const t0 = performance.now();
        await pool.verifyMany(items, 2048);
        pool.terminate();
        return items.length / ((performance.now() - t0) / 1000);
      };
      // One pass: a fresh chain worker and database, the setup blocks, then the timed sync,
      // with the page's long tasks meanwhile.
      const pass = async (n: number) => {
        const chain = await remote.RemoteChain.open(new Worker('/core/state/chain-worker.ts', { type: 'module' }), `bench-worker-${Date.now()}-${n}`, settings);
        await chain.addBlocks(setup.map(encoding.hexToBytes));
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
        observer.observe({ type: 'longtask' });
        const t0 = performance.now();
        await chain.addBlocks(bytes);
        const seconds = (performance.now() - t0) / 1000;
        await new Promise((done) => setTimeout(done, 100)); // the observer's last entries
        observer.disconnect();
        await chain.close();
        return { seconds, longest: Math.max(0, ...longTasks), long: longTasks.length };
      };
      const cold = await pass(0);
      const rounds: { seconds: number; raw: number; longest: number; long: number }[] = [];
      for (let i = 1; i <= passes; i++) {
        await new Promise((done) => setTimeout(done, settleMs));
        const raw = await rawOnce();
        rounds.push({ ...(await pass(i)), raw });
      }
      return { cold: cold.seconds, coldLongest: cold.longest, rounds };
    }, { validators: w.validators, holder: w.holder, setup: hex(w.setup), blocks: hex(w.blocks), passes: PASSES, settleMs: SETTLE_MS });
    const txs = w.blocks.length * w.transfersPerBlock;
    const rounds = r.rounds.map((x) => ({ rate: txs / x.seconds, raw: x.raw }));
    const rate = median(rounds.map((x) => x.rate));
    line('Chromium, chain in a worker (the wallet peer), page replays deltas', `${fmt(rate)} tx/s`,
      `${(rate / w.transfersPerBlock).toFixed(2)} blocks/s; ${pairedNote(rounds, 'raw WebCrypto in Web Workers')}; after a first pass with cold code (${fmt(txs / r.cold)} tx/s)`);
    // The first pass (cold code, as a wallet's first sync) and the warm ones, each on its own.
    const longest = Math.max(r.coldLongest, ...r.rounds.map((x) => x.longest));
    line('  page thread meanwhile: longest task', `${fmt(longest)} ms`,
      `first pass ${fmt(r.coldLongest)} ms, then ${r.rounds.map((x) => fmt(x.longest)).join(', ')} ms (0: no task over 50 ms); ${w.blocks.length} blocks of ${w.transfersPerBlock} a pass`);
  });
}

export async function benchState(): Promise<void> {
  header('Ledger and storage: blocks of 1,000 transfers, checked and written atomically');
  const w = await transferWorkload(1000, 12);
  await disk(w);
  await browser(w, false);
  await browser(w, true);
  await browserWorkerChain(w);
}
