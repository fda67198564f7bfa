/** `ans devnet`, `ans node` and `ans status`: run the local network or one peer, and ask a peer how it is. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { multiaddr } from '@multiformats/multiaddr';
import { join, resolve } from 'node:path';
import { parseArgs, UsageError } from './args.ts';
import { out, outJson, cleanHex } from './output.ts';
import { startLocalNetwork, settingsOf, type NetworkFile } from '../devnet/network.ts';
import { serveStatus } from '../devnet/http.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { Node } from '../core/node/node.ts';
import { prioritizeEventLoop } from '../core/node/priority.node.ts';
import { nodeStatus } from '../core/node/status.ts';
import { bytesToHex, hexToBytes } from '../core/encoding/bytes.ts';
import { privateKeyFromWif } from '../core/crypto/keys.ts';

export const DEFAULT_DATA = '.ans-devnet';
export const DEFAULT_STATUS_URL = 'http://127.0.0.1:4002';

/**
 * Resolves when the process is asked to stop (Ctrl-C, SIGTERM, its terminal closing) or, with
 * `withParent`, when the process that started it is gone: `npm start` runs us under a shell that
 * dies of a SIGTERM sent to npm without passing it on, and would leave the network running.
 */
export function stopSignal(options: { withParent?: boolean } = {}): Promise<string> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  return new Promise((resolve) => {
    let watch: ReturnType<typeof setInterval> | undefined;
    const done = (why: string) => {
      // A second Ctrl-C while stopping then ends the process at once (the default action).
      for (const signal of signals) process.off(signal, done);
      clearInterval(watch);
      resolve(why);
    };
    for (const signal of signals) process.on(signal, done);
    if (options.withParent) {
      const parent = process.ppid;
      watch = setInterval(() => {
        if (process.ppid !== parent) done('the process that started it exited');
      }, 1000);
      watch.unref();
    }
  });
}

export async function devnetCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { options: ['data', 'port', 'http'] });
  const dir = resolve(args.options.get('data') ?? DEFAULT_DATA);
  const network = await startLocalNetwork({
    dir, relayPort: port(args.options.get('port'), 4001), httpPort: port(args.options.get('http'), 4002), log: out,
  });
  out(`Local network running. Status: ans status  (or ${network.http.url}/status). Ctrl-C stops it.`);
  await stopSignal();
  out('Stopping…');
  await network.stop();
  out('Stopped; the next start continues this chain.');
  return 0;
}

function port(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`not a port: ${text}`);
  return n;
}

/** Reads a network description: a devnet data folder's network.json, or the URL of a local network's /network.json. */
export async function readNetwork(where: string): Promise<NetworkFile & { bootstrap?: string[] }> {
  if (/^https?:\/\//.test(where)) {
    const res = await fetch(where.endsWith('.json') ? where : `${where.replace(/\/$/, '')}/network.json`);
    if (!res.ok) throw new UsageError(`${where} answered ${res.status}`);
    return (await res.json()) as NetworkFile & { bootstrap?: string[] };
  }
  const path = where.endsWith('.json') ? where : `${where}/network.json`;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

export function readKey(path: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new UsageError(`cannot read the key file ${path}: ${(e as Error).message}`);
  }
  return /^[0-9a-fA-F]{64}$/.test(cleanHex(text)) ? hexToBytes(cleanHex(text)) : privateKeyFromWif(text);
}

export async function nodeCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { options: ['network', 'data', 'key', 'listen', 'announce', 'bootstrap', 'status-port', 'status-host'], flags: ['child', 'relay'] });
  if (args.positionals.length > 0) throw new UsageError(`unexpected ${args.positionals[0]}`);
  const where = args.options.get('network') ?? DEFAULT_STATUS_URL;
  const data = args.options.get('data');
  if (!data) throw new UsageError('--data DIR is needed: the folder of this peer\'s chain');
  const network = await readNetwork(where);
  const settings = settingsOf(network);
  const list = (name: string) => (args.options.get(name) ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const bootstrap = args.options.has('bootstrap') ? list('bootstrap') : network.bootstrap ?? [];
  const listen = args.options.has('listen') ? list('listen') : ['/ip4/127.0.0.1/tcp/0/ws'];
  for (const a of [...listen, ...list('announce'), ...bootstrap]) checkAddress(a);
  const key = args.options.get('key');
  const profile = await startCpuProfile();
  await prioritizeEventLoop();
  const dir = resolve(data);
  const node = await Node.start({
    settings, store: await LevelStore.open(dir), bootstrap, listen, announce: list('announce'), relay: args.flags.has('relay'),
    peerKey: await peerIdentity(dir),
    validator: key ? { privateKey: readKey(key) } : undefined,
  });
  const statusPort = args.options.get('status-port');
  const status = statusPort === undefined ? undefined : await serveStatus(node, port(statusPort, 0), args.options.get('status-host') ?? '127.0.0.1');
  if (args.flags.has('child')) {
    // Started by a local network: one JSON line when up; stop when the parent closes our stdin.
    out(JSON.stringify({ height: node.height, addresses: node.peer.addresses(), statusUrl: status?.url }));
    await new Promise<void>((done) => {
      process.stdin.on('end', done).on('close', done).resume();
      void stopSignal().then(() => done());
    });
    process.stdin.destroy();
  } else {
    out(`Peer ${node.peer.id} at height ${node.height}${key ? ', validating' : ''}${args.flags.has('relay') ? ', relaying for browsers' : ''}: ${node.peer.addresses().join(' ')}`);
    if (status) out(`status at ${status.url}/status`);
    node.onTip(() => out(`height ${node.height}`));
    await stopSignal();
  }
  await status?.close();
  await node.stop();
  await profile?.();
  return 0;
}

/** A multiaddress, or a UsageError naming it. */
function checkAddress(address: string): void {
  try {
    multiaddr(address);
  } catch (e) {
    throw new UsageError(`not a peer address: ${address} (${(e as Error).message})`);
  }
}

/**
 * The peer's libp2p identity, kept in its data folder (peer.key, owner-only): a peer keeps its id
 * across restarts, so that the addresses others learned of it (`/p2p/ID`) still reach it.
 */
export async function peerIdentity(dir: string) {
  const path = join(dir, 'peer.key');
  let seed: Uint8Array;
  if (existsSync(path)) {
    seed = hexToBytes(readFileSync(path, 'utf8').trim());
    if (seed.length !== 32) throw new UsageError(`${path} is not a peer key (64 hex digits)`);
  } else {
    seed = crypto.getRandomValues(new Uint8Array(32));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, bytesToHex(seed) + '\n', { mode: 0o600 });
  }
  return generateKeyPairFromSeed('Ed25519', seed);
}

/**
 * With ANS_CPU_PROFILE_DIR set (a diagnostic for operators and benchmarks): a CPU profile of the
 * whole run, written there as node-PID.cpuprofile when the node stops (open it in Chromium's
 * DevTools). The local network's validators inherit the variable.
 */
async function startCpuProfile(): Promise<(() => Promise<void>) | undefined> {
  const dir = process.env.ANS_CPU_PROFILE_DIR;
  if (!dir) return undefined;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `node-${process.pid}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

export async function statusCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { options: ['url'], flags: ['json'] });
  const url = `${(args.options.get('url') ?? DEFAULT_STATUS_URL).replace(/\/$/, '')}/status`;
  let status: ReturnType<typeof nodeStatus> & { local?: ReturnType<typeof nodeStatus>[] };
  try {
    const res = await fetch(url);
    status = await res.json();
  } catch (e) {
    throw new UsageError(`no local network answers at ${url} (start one with: npm start, or ans devnet): ${(e as Error).message}`);
  }
  if (args.flags.has('json')) {
    outJson(status);
    return 0;
  }
  out(`${status.network}: height ${status.height}, last block ${status.lastBlockAgeSeconds} s ago (${status.lastBlockTime})`);
  out(`tip ${status.tip}`);
  out(`${status.health.state}${status.health.reason ? `: ${status.health.reason}` : ''}`);
  out(`peers ${status.peers} (${status.knownPeers} known), mempool ${status.mempool.transactions} transactions (${status.mempool.bytes} bytes)`);
  out(`validators ${status.validators.length}:`);
  for (const v of status.validators) out(`  ${v}`);
  for (const [i, l] of (status.local ?? []).entries()) {
    if ('error' in l) out(`local validator ${i}: not answering (${(l as { error: string }).error})`);
    else out(`local validator ${i}: height ${l.height}, peers ${l.peers}${l.consensus ? `, round ${l.consensus.round}` : ''}`);
  }
  return 0;
}
