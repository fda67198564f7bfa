/**
 * `npm run chaos`: the fault suite, with real processes over real libp2p (cluster.ts), transfers
 * offered throughout (load.ts) and a seed printed (every random choice comes from it):
 *
 * - kill -9 of a random validator and a restart with its own command line, many times;
 * - kill -9 of the whole network (relay and validators) and a restart;
 * - two of four validators down, then back;
 * - a hostile peer: garbage, far-ahead blocks and messages, oversized frames, request floods and
 *   requests that never finish (hostile.ts), each attack with a new identity;
 * - elected candidates that never run a node;
 * - on separate hosts (network namespaces, netns.ts): partitions by taking a host's link down, and
 *   with --latency/--loss a wide-area network between hosts (wan.ts).
 *
 * After every step: one chain everywhere (no fork, ever), every final transfer still final, supply
 * conserved, and the chain moving again within the bound (10 s) of N - f validators being up.
 * Every step's figures are printed; the summary last; exit 1 if any check failed.
 *
 *   npm run chaos -- [--seed N] [--cycles 100] [--whole 10] [--two-down 3] [--hostile-minutes 20]
 *                    [--partitions 10] [--elections 1] [--netns] [--latency MS --jitter MS --loss F] [--bandwidth KBIT]
 *                    [--rate 10] [--dir DIR]
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { hexToBytes } from '../core/encoding/bytes.ts';
import { Cluster, type Host } from './cluster.ts';
import { Load } from './load.ts';
import { ATTACKS, INVALID_AT_ONCE, INVALID_IN_A_BURST, attack, type AttackResult } from './hostile.ts';
import { makeNamespaces, namespacesAvailable, type Namespaces } from './netns.ts';
import { electNoShows } from './elections.ts';
import { readFileSync } from 'node:fs';
import { rng } from './rng.ts';

export interface ChaosOptions {
  readonly seed: number;
  readonly cycles: number;
  readonly wholeKills: number;
  readonly twoDown: number;
  readonly hostileMs: number;
  readonly partitions: number;
  readonly elections: number;
  readonly namespaces: boolean;
  readonly wan?: { delayMs: number; jitterMs: number; loss: number };
  /** Each host's link limited to this many kilobits a second each way (tbf; with namespaces only). */
  readonly bandwidthKbit?: number;
  /** Transfers offered a second throughout. */
  readonly rate: number;
  /** The chain must move again within this of N - f validators being up. */
  readonly boundMs: number;
  /** How long the election step watches the chain after the vote (default six bounds). */
  readonly electionWatchMs?: number;
  readonly dir?: string;
  readonly log?: (line: string) => void;
}

export interface StepRecord {
  readonly step: string;
  /** Time from N - f validators up (or from the step's start, when they never went below) to the next block; the longest gap between blocks during the step. */
  readonly movedMs?: number;
  readonly longestGapMs: number;
  readonly problems: string[];
  readonly detail: string;
}

export interface ChaosSummary {
  readonly seed: number;
  readonly steps: StepRecord[];
  readonly transfers: { offered: number; final: number; waiting: number; refused: number; refusedBy: Record<string, number> };
  readonly attacks: AttackResult[];
  readonly problems: string[];
  readonly heights: Record<string, number>;
  readonly elapsedMs: number;
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Watches the chain's height (the best any host or the observer reports) and when it changed. */
class Progress {
  readonly #load: Load;
  #best = -1;
  #changedAt = Date.now();
  #gaps: number[] = [];
  #timer: ReturnType<typeof setInterval>;
  #busy = false;

  constructor(load: Load) {
    this.#load = load;
    this.#timer = setInterval(() => void this.#poll(), 250);
    load.observer.onTip(() => this.#saw(load.observer.height));
  }

  #saw(height: number): void {
    if (height <= this.#best) return;
    const now = Date.now();
    if (this.#best >= 0) this.#gaps.push(now - this.#changedAt);
    this.#best = height;
    this.#changedAt = now;
  }

  async #poll(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      this.#saw(await this.#load.best());
    } finally {
      this.#busy = false;
    }
  }

  get best(): number {
    return this.#best;
  }

  /** Starts a step: its gaps are measured from now (the gap running now counts from its start). */
  begin(): { longestGap: () => number; movedSince: (t: number, boundMs: number) => Promise<number | undefined> } {
    const started = Date.now();
    const mark = this.#gaps.length;
    return {
      longestGap: () => Math.max(0, ...this.#gaps.slice(mark), Date.now() - Math.max(this.#changedAt, started)),
      /** Ms from `t` until the height passes what it was at `t` (undefined: not within the bound). */
      movedSince: async (t, boundMs) => {
        const at = this.#best;
        const deadline = t + boundMs;
        while (Date.now() < deadline) {
          if (this.#best > at) return Math.max(0, this.#changedAt - t);
          await sleep(50);
        }
        return this.#best > at ? Math.max(0, this.#changedAt - t) : undefined;
      },
    };
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** Starts the WAN relay process (wan.ts) with one route per host; sets each host's announce address. */
async function startWan(ns: Namespaces, wan: NonNullable<ChaosOptions['wan']>, seed: number): Promise<ChildProcess> {
  const routes = ns.hosts.map((h, i) => {
    h.announce = { ip: ns.gateway, port: 5000 + i };
    return ['--route', `${ns.gateway}:${5000 + i}=${h.ip}:4001`];
  }).flat();
  const child = spawn(process.execPath, [fileURLToPath(new URL('./wan.ts', import.meta.url)), ...routes, '--delay', String(wan.delayMs), '--jitter', String(wan.jitterMs), '--loss', String(wan.loss), '--connection-loss', String(wan.loss), '--seed', String(seed)], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => (l === 'ready' ? resolve() : reject(new Error(`wan relay: ${l}`))));
    child.once('exit', (code) => reject(new Error(`the wan relay exited (${code})`)));
  });
  return child;
}

/** Waits until `host` answers and is within a block of `best`, up to `ms`; the time it took, or undefined. */
async function caughtUp(host: Host, best: () => number, ms: number): Promise<number | undefined> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const s = await host.status(1000);
    if (s && s.height >= best() - 1) return Date.now() - t0;
    await sleep(250);
  }
  return undefined;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const random = rng(options.seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const between = (a: number, b: number) => a + Math.floor(random() * (b - a));
  const started = Date.now();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ans-chaos-'));
  log(`chaos: seed ${options.seed}, data and logs in ${dir}${options.namespaces ? `, each host in its own network namespace${options.bandwidthKbit ? ` (links of ${options.bandwidthKbit} kbit/s)` : ''}` : ', on loopback'}${options.wan ? `, WAN ${options.wan.delayMs} ms one way (+ up to ${options.wan.jitterMs} ms), ${(options.wan.loss * 100).toFixed(1)} % of segments and connections lost` : ''}`);
  let ns: Namespaces | undefined;
  let wan: ChildProcess | undefined;
  const cleanup: (() => Promise<void> | void)[] = [];
  const steps: StepRecord[] = [];
  const attacks: AttackResult[] = [];
  const problems: string[] = [];
  let cluster: Cluster | undefined;
  let load: Load | undefined;
  let progress: Progress | undefined;
  // Stopped from outside (Ctrl-C, a timeout): the namespaces, links and processes are removed still.
  const onSignal = () => void Promise.all(cleanup.reverse().map((c) => c())).finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (options.namespaces) {
      if (!namespacesAvailable()) throw new Error('--netns needs root and iproute2 (ip netns)');
      ns = makeNamespaces(5);
      cleanup.push(() => ns!.destroy());
      if (options.bandwidthKbit) for (let i = 0; i < ns.hosts.length; i++) ns.limit(i, options.bandwidthKbit);
      if (options.wan) {
        wan = await startWan(ns, options.wan, options.seed);
        cleanup.push(() => void wan!.kill());
      }
    }
    cluster = await Cluster.create({ dir, validators: 4, namespaces: ns, basePort: 24_000 + (options.seed % 1000) * 10 });
    const c = cluster;
    cleanup.push(() => c.stop());
    await c.start();
    load = await Load.start(c, random);
    const l = load;
    cleanup.push(() => l.stop());
    progress = new Progress(l);
    const p = progress;
    // A timeline of every host, twice a second, for reading a failure afterwards (timeline.log).
    const timeline = createWriteStream(join(dir, 'timeline.log'), { flags: 'a' });
    const sampler = setInterval(() => void c.statuses().then((all) => {
      const cell = (name: string) => {
        const st = all.get(name);
        if (!st) return `${name}:down`;
        const k = st.consensus;
        return `${name}:${st.height}${k ? `/h${k.height}r${k.round}${k.dealt ? 'D' : ''}${k.decided ? 'X' : ''} d${k.deals} P${k.proposal ? 1 : 0} pv${k.prevotes} pc${k.precommits} rv${k.reveals} s${k.signatures} L${k.locked} V${k.valid}` : ''} p${st.peers} ${st.health.state}`;
      };
      timeline.write(`${new Date().toISOString().slice(11, 23)} [${steps.length + 1}] ${c.hosts.map((h) => cell(h.name)).join(' | ')}\n`);
    }), 500);
    cleanup.push(() => {
      clearInterval(sampler);
      timeline.end();
    });
    const waitHeight = async (min: number, ms: number) => {
      const t0 = Date.now();
      while (p.best < min && Date.now() - t0 < ms) await sleep(200);
      return p.best >= min;
    };
    if (!(await waitHeight(3, 60_000))) throw new Error('the network made no block in its first minute');
    l.offer(options.rate);
    log(`network up: relay and ${c.validators.length} validators at height ${p.best}; offering ${options.rate} transfers/s`);
    const n = c.validators.length;
    const f = Math.floor((n - 1) / 3);

    /** Runs a step, then the checks; records and prints its figures. */
    const step = async (name: string, body: (w: ReturnType<Progress['begin']>) => Promise<{ movedMs?: number; detail: string; problems?: string[] }>) => {
      const w = p.begin();
      const t0 = Date.now();
      const before = l.counts().offered;
      const dryBefore = l.dry;
      let result: Awaited<ReturnType<typeof body>>;
      try {
        result = await body(w);
      } catch (e) {
        result = { detail: '', problems: [`the step failed: ${(e as Error).message}`] };
      }
      const checked = await l.check();
      const found = [...(result.problems ?? []), ...checked.problems];
      // Transfers are offered throughout: a long step with none offered tests less than it says.
      if (Date.now() - t0 >= 20_000 && l.counts().offered === before) found.push(`no transfer offered in ${((Date.now() - t0) / 1000).toFixed(0)} s${l.dry > dryBefore ? ' (the accounts ran out of AntCoin for fees)' : ''}`);
      const record: StepRecord = { step: name, movedMs: result.movedMs, longestGapMs: w.longestGap(), problems: found, detail: result.detail };
      steps.push(record);
      problems.push(...found.map((x) => `${name}: ${x}`));
      const counts = l.counts();
      log(`[${steps.length}] ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${result.detail}; ` +
        `${result.movedMs !== undefined ? `moved ${(result.movedMs / 1000).toFixed(1)} s after N - f up; ` : ''}longest gap between blocks ${(record.longestGapMs / 1000).toFixed(1)} s; ` +
        `height ${p.best}; transfers ${counts.final} final of ${counts.offered} offered (${counts.refused} refused, ${counts.waiting} waiting)` +
        `${found.length ? `; PROBLEMS: ${found.join('; ')}` : '; checks ok'}`);
    };
    const bound = options.boundMs;
    const movedOrProblem = (moved: number | undefined, what: string, problems: string[]) => {
      if (moved === undefined) problems.push(`the chain did not move within ${bound / 1000} s of ${what}`);
      return moved;
    };

    // 1. Validators killed with SIGKILL and restarted, one at a time.
    for (let i = 0; i < options.cycles; i++) {
      const victim = pick(c.validators);
      await step(`kill -9 ${victim.name} and restart (${i + 1}/${options.cycles})`, async (w) => {
        const found: string[] = [];
        await victim.kill('SIGKILL');
        const downMs = between(500, 4000);
        await sleep(downMs);
        await victim.start();
        const t = Date.now(); // all N up again (N - f were up throughout: the gaps below say whether the chain waited)
        const back = await caughtUp(victim, () => p.best, 30_000);
        if (back === undefined) found.push(`${victim.name} did not catch up within 30 s of its restart`);
        // N - f were up throughout: the chain never had to wait for the victim.
        const moved = movedOrProblem(await w.movedSince(t, bound), `${victim.name}'s restart`, found);
        if (w.longestGap() > bound) found.push(`a gap of ${(w.longestGap() / 1000).toFixed(1)} s between blocks with N - f up`);
        return { movedMs: moved, detail: `down ${(downMs / 1000).toFixed(1)} s, caught up ${back === undefined ? 'never' : `${(back / 1000).toFixed(1)} s`} after its restart`, problems: found };
      });
    }

    // 2. The whole network killed at once, and restarted.
    for (let i = 0; i < options.wholeKills; i++) {
      await step(`kill -9 of the whole network and restart (${i + 1}/${options.wholeKills})`, async (w) => {
        const found: string[] = [];
        l.offer(0);
        await Promise.all(c.hosts.map((h) => h.kill('SIGKILL')));
        await sleep(between(500, 3000));
        await c.relay.start();
        let upAt = 0;
        await Promise.all(c.validators.map(async (v) => {
          await v.start();
          const up = c.validators.filter((x) => x.running).length;
          if (up >= n - f && upAt === 0) upAt = Date.now();
        }));
        l.offer(options.rate);
        const moved = movedOrProblem(await w.movedSince(upAt, bound), 'N - f validators up again', found);
        return { movedMs: moved, detail: `all ${c.hosts.length} processes killed, restarted` , problems: found };
      });
    }

    // 3. Two of four down (no block, no fork), then back.
    for (let i = 0; i < options.twoDown; i++) {
      await step(`two of four validators down, then back (${i + 1}/${options.twoDown})`, async (w) => {
        const found: string[] = [];
        const down = [...c.validators].sort(() => random() - 0.5).slice(0, 2);
        await Promise.all(down.map((v) => v.kill('SIGKILL')));
        const stalledAt = p.best;
        await sleep(between(3000, 8000));
        const heldAt = p.best;
        await down[0].start();
        const t = Date.now();
        const moved = movedOrProblem(await w.movedSince(t, bound), `${down[0].name} back (N - f up)`, found);
        await down[1].start();
        await caughtUp(down[1], () => p.best, 30_000);
        return { movedMs: moved, detail: `${down.map((v) => v.name).join(' and ')} down: height ${stalledAt} -> ${heldAt} meanwhile (at most a block already signed)`, problems: found };
      });
    }

    // 4. Hostile peers, for the time asked, against the relay and the validators.
    if (options.hostileMs > 0) {
      await step(`hostile peers for ${(options.hostileMs / 60_000).toFixed(1)} min`, async (w) => {
        const found: string[] = [];
        const network = JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8')) as { validators: string[] };
        const magic = l.observer.settings.magic;
        const context = { magic, validators: network.validators.map(hexToBytes), height: () => p.best };
        const until = Date.now() + options.hostileMs;
        let k = 0;
        while (Date.now() < until) {
          const name = ATTACKS[k++ % ATTACKS.length];
          const target = pick(c.hosts.filter((h) => h.running));
          const result = await attack(name, target.address, context);
          attacks.push(result);
          const limit = INVALID_AT_ONCE.includes(name) ? 1000 : INVALID_IN_A_BURST.includes(name) ? 3000 : undefined;
          if (limit !== undefined && result.sent && (result.banMs === undefined || result.banMs > limit)) {
            found.push(`${name} against ${target.name}: ${result.banMs === undefined ? 'not banned' : `banned after ${result.banMs} ms`}${result.error ? ` (${result.error})` : ''}`);
          }
        }
        if (w.longestGap() > bound) found.push(`a gap of ${(w.longestGap() / 1000).toFixed(1)} s between blocks under attack`);
        const banned = attacks.filter((a) => a.banMs !== undefined);
        const worst = Math.max(0, ...attacks.filter((a) => INVALID_AT_ONCE.includes(a.attack) && a.banMs !== undefined).map((a) => a.banMs!));
        const undelivered = attacks.filter((a) => !a.sent).length;
        return { detail: `${attacks.length} attacks (${undelivered} never got a message out: the host refused the dial), ${banned.length} ended in a ban; the slowest ban of a provably invalid message ${worst} ms`, problems: found };
      });
    }

    // 5. Candidates elected that never run a node.
    for (let i = 0; i < options.elections; i++) {
      await step(`two candidates elected that never run a node (${i + 1}/${options.elections})`, async (w) => {
        const found: string[] = [];
        const result = await electNoShows(l, c, 2, options.electionWatchMs ?? bound * 6);
        found.push(...result.problems);
        if (w.longestGap() > result.pauseBoundMs) found.push(`a gap of ${(w.longestGap() / 1000).toFixed(1)} s between blocks, above the documented bound of ${(result.pauseBoundMs / 1000).toFixed(1)} s`);
        return { detail: result.detail, problems: found };
      });
    }

    // 6. Partitions (separate hosts only): a host's link down, then up.
    for (let i = 0; i < options.partitions && ns; i++) {
      const which = between(0, c.hosts.length);
      const host = c.hosts[which];
      const two = random() < 0.3;
      const others = two ? [which, 1 + ((which + between(0, n - 1)) % n)].filter((x, j, a) => a.indexOf(x) === j) : [which];
      await step(`partition: ${others.map((x) => c.hosts[x].name).join(' and ')} cut off, then healed (${i + 1}/${options.partitions})`, async (w) => {
        const found: string[] = [];
        for (const x of others) ns!.cut(x);
        const cutMs = between(3000, 10_000);
        await sleep(cutMs);
        for (const x of others) ns!.heal(x);
        const t = Date.now();
        const moved = movedOrProblem(await w.movedSince(t, bound), 'the partition healed', found);
        for (const x of others) {
          if (await caughtUp(c.hosts[x], () => p.best, 30_000) === undefined) found.push(`${c.hosts[x].name} did not catch up within 30 s of the partition healing`);
        }
        const validatorsCut = others.filter((x) => x > 0).length;
        if (validatorsCut <= f && w.longestGap() > bound) found.push(`a gap of ${(w.longestGap() / 1000).toFixed(1)} s with N - f validators connected`);
        return { movedMs: moved, detail: `cut for ${(cutMs / 1000).toFixed(1)} s (${host.name}${others.length > 1 ? ' and another' : ''})`, problems: found };
      });
    }

    // The end: everything still on one chain, transfers settled.
    l.offer(0);
    await sleep(3 * 2000);
    const last = await l.check();
    problems.push(...last.problems.map((x) => `at the end: ${x}`));
    const counts = l.counts();
    return {
      seed: options.seed, steps, attacks, problems, heights: last.heights, elapsedMs: Date.now() - started,
      transfers: { ...counts, refusedBy: Object.fromEntries(l.refused) },
    };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    progress?.stop();
    for (const c of cleanup.reverse()) await c();
    if (!options.dir && problems.length === 0) rmSync(dir, { recursive: true, force: true });
  }
}

/** The summary in a few lines: what ran, the worst figures, what failed. */
export function summarize(s: ChaosSummary, bound: number): string[] {
  const lines: string[] = [];
  const kinds = new Map<string, StepRecord[]>();
  for (const st of s.steps) {
    const kind = st.step.replace(/ \(\d+\/\d+\)$/, '').replace(/^kill -9 v\d and restart$/, 'kill -9 of a validator and restart').replace(/^partition: .*/, 'partition');
    kinds.set(kind, [...(kinds.get(kind) ?? []), st]);
  }
  lines.push(`chaos summary (seed ${s.seed}, ${(s.elapsedMs / 60_000).toFixed(1)} min):`);
  for (const [kind, list] of kinds) {
    const moved = list.map((x) => x.movedMs).filter((x): x is number => x !== undefined);
    const movedText = moved.length ? `chain moved again after at most ${(Math.max(...moved) / 1000).toFixed(1)} s of N - f up (bound ${bound / 1000} s); ` : '';
    lines.push(`  ${kind}: ${list.length}x; ${movedText}longest gap between blocks ${(Math.max(...list.map((x) => x.longestGapMs)) / 1000).toFixed(1)} s; ${list.filter((x) => x.problems.length).length} with problems`);
  }
  if (s.attacks.length) {
    const at = (names: readonly string[]) => s.attacks.filter((a) => names.includes(a.attack));
    const once = at(INVALID_AT_ONCE).filter((a) => a.sent);
    const burst = at(INVALID_IN_A_BURST).filter((a) => a.sent);
    const banMs = once.filter((a) => a.banMs !== undefined).map((a) => a.banMs!).sort((a, b) => a - b);
    const median = banMs.length ? banMs[Math.floor(banMs.length / 2)] : 0;
    lines.push(`  hostile: ${s.attacks.length} attacks (${s.attacks.filter((a) => !a.sent).length} never sent: dial refused); provably invalid: ${once.filter((a) => a.banMs !== undefined && a.banMs <= 1000).length}/${once.length} banned within 1 s (median ${median} ms, slowest ${banMs.at(-1) ?? '-'} ms); bursts: ${burst.filter((a) => a.banMs !== undefined && a.banMs <= 3000).length}/${burst.length} banned within 3 s`);
  }
  const t = s.transfers;
  lines.push(`  transfers: ${t.offered} offered, ${t.final} final, ${t.refused} refused ${JSON.stringify(t.refusedBy)}, ${t.waiting} not final at the end`);
  lines.push(`  heights at the end: ${JSON.stringify(s.heights)}`);
  lines.push(s.problems.length ? `  FAILED: ${s.problems.length} problems:\n    ${s.problems.join('\n    ')}` : '  no fork, nothing final lost, supply conserved, every check passed');
  return lines;
}

function flags(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected ${a}`);
    const name = a.slice(2);
    if (name === 'netns' || name === 'keep') out.set(name, '1');
    else out.set(name, argv[++i] ?? '');
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = flags(process.argv.slice(2));
  const num = (name: string, fallback: number) => (f.has(name) ? Number(f.get(name)) : fallback);
  const seed = num('seed', Math.floor(Math.random() * 2 ** 31));
  const latency = num('latency', 0);
  const options: ChaosOptions = {
    seed, cycles: num('cycles', 100), wholeKills: num('whole', 10), twoDown: num('two-down', 3), hostileMs: num('hostile-minutes', 20) * 60_000,
    partitions: num('partitions', 10), elections: num('elections', 1), namespaces: f.has('netns'), rate: num('rate', 10), boundMs: num('bound', 10) * 1000,
    wan: latency > 0 || num('loss', 0) > 0 ? { delayMs: latency, jitterMs: num('jitter', 0), loss: num('loss', 0) } : undefined,
    bandwidthKbit: f.has('bandwidth') ? num('bandwidth', 0) : undefined,
    dir: f.get('dir'),
  };
  const summary = await runChaos(options);
  for (const line of summarize(summary, options.boundMs)) console.log(line);
  process.exit(summary.problems.length ? 1 : 0);
}
