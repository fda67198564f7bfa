/**
 * The network over a simulated wide-area network: the relay and four validators, each `ans node`
 * in its own Linux network namespace (chaos/netns.ts), every connection between hosts through the
 * user-space WAN relay (chaos/wan.ts: one-way delay with jitter, a share of segments lost and
 * resent a retransmission timeout later, a share of new connections refused), transfers offered
 * at a steady rate for a minute. Reports blocks per minute, the block interval and submit-to-final
 * latency, beside the same run on loopback (the baseline, measured in the same run).
 *
 *   node bench/wan.ts          (root: ip netns; WAN_LATENCY=100 WAN_JITTER=20 WAN_LOSS=0.01 BENCH_SECONDS=60 WAN_TPS=20)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Cluster } from '../chaos/cluster.ts';
import { Load } from '../chaos/load.ts';
import { makeNamespaces, namespacesAvailable, type Namespaces } from '../chaos/netns.ts';
import { rng } from '../chaos/rng.ts';
import { fmt, header, line } from './util.ts';

interface WanFigures {
  blocksPerMinute: number;
  intervalMedian: number;
  intervalP99: number;
  latencyMedian: number;
  latencyP99: number;
  offered: number;
  final: number;
  refused: number;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

async function startWanRelay(ns: Namespaces, delayMs: number, jitterMs: number, loss: number): Promise<ChildProcess> {
  const routes = ns.hosts.flatMap((h, i) => {
    h.announce = { ip: ns.gateway, port: 5000 + i };
    return ['--route', `${ns.gateway}:${5000 + i}=${h.ip}:4001`];
  });
  const child = spawn(process.execPath, [fileURLToPath(new URL('../chaos/wan.ts', import.meta.url)), ...routes, '--delay', String(delayMs), '--jitter', String(jitterMs), '--loss', String(loss), '--connection-loss', String(loss)], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => (l === 'ready' ? resolve() : reject(new Error(l))));
    child.once('exit', (code) => reject(new Error(`the WAN relay exited (${code})`)));
  });
  return child;
}

/** One measured run: a network (namespaced or on loopback), transfers offered for `seconds`. */
async function measure(options: { ns?: Namespaces; tps: number; seconds: number }): Promise<WanFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ans-bench-wan-'));
  const cluster = await Cluster.create({ dir, namespaces: options.ns, basePort: 25_000 });
  try {
    await cluster.start();
    const load = await Load.start(cluster, rng(11), Math.max(40, options.tps * 6));
    try {
      const blocks: number[] = [];
      load.observer.onTip(() => blocks.push(performance.now()));
      const t0 = performance.now();
      load.offer(options.tps);
      await new Promise((r) => setTimeout(r, options.seconds * 1000));
      load.offer(0);
      await new Promise((r) => setTimeout(r, 10_000)); // the last ones settle
      const during = blocks.filter((t) => t >= t0 && t <= t0 + options.seconds * 1000);
      const intervals = during.slice(1).map((t, i) => t - during[i]);
      const latencies = [...load.transfers.values()].filter((t) => t.finalAt !== undefined).map((t) => t.finalAt! - t.submittedAt);
      const c = load.counts();
      return {
        blocksPerMinute: (during.length * 60) / options.seconds, intervalMedian: percentile(intervals, 50), intervalP99: percentile(intervals, 99),
        latencyMedian: percentile(latencies, 50), latencyP99: percentile(latencies, 99), offered: c.offered, final: c.final, refused: c.refused,
      };
    } finally {
      await load.stop();
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchWan(): Promise<void> {
  const latency = Number(process.env.WAN_LATENCY ?? 100);
  const jitter = Number(process.env.WAN_JITTER ?? 20);
  const loss = Number(process.env.WAN_LOSS ?? 0.01);
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const tps = Number(process.env.WAN_TPS ?? 20);
  header(`Wide-area network: relay and 4 validators each in its own network namespace, ${latency} ms one way (+ up to ${jitter} ms), ${(loss * 100).toFixed(1)} % of segments and connections lost; ${tps} transfers/s offered for ${seconds} s (node bench/wan.ts)`);
  if (!namespacesAvailable()) {
    line('wide-area network', 'not run', 'needs root and iproute2 (ip netns) to make the hosts');
    return;
  }
  const local = await measure({ tps, seconds });
  const ns = makeNamespaces(5, 'bwan');
  let relay: ChildProcess | undefined;
  let wan: WanFigures;
  try {
    relay = await startWanRelay(ns, latency, jitter, loss);
    wan = await measure({ ns, tps, seconds });
  } finally {
    relay?.kill();
    ns.destroy();
  }
  const row = (name: string, w: number, l: number, unit: string) => line(name, `${fmt(w)} ${unit}`, `loopback, same run: ${fmt(l)} ${unit}; ratio ${(w / l).toFixed(2)}`);
  row('blocks per minute', wan.blocksPerMinute, local.blocksPerMinute, '');
  row('block interval, median', wan.intervalMedian, local.intervalMedian, 'ms');
  row('block interval, p99', wan.intervalP99, local.intervalP99, 'ms');
  row('submit to final, median', wan.latencyMedian, local.latencyMedian, 'ms');
  row('submit to final, p99', wan.latencyP99, local.latencyP99, 'ms');
  line('transfers final of offered', `${fmt(wan.final)} of ${fmt(wan.offered)}`, `refused ${wan.refused}; loopback ${fmt(local.final)} of ${fmt(local.offered)}, refused ${local.refused}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchWan();
