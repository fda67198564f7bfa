/**
 * A network of real processes for the fault suite: a relay and N validators, each `ans node` with
 * its own data folder, command line and HTTP endpoint, started, killed with SIGKILL and started
 * again with the same command line. On loopback, or each host in its own Linux network namespace
 * (netns.ts), where links can be cut and slowed, and where a user-space relay (wan.ts) adds
 * latency, jitter and loss between hosts.
 *
 * Validators are given only the relay to start from: that they find each other (the peer book,
 * announcements) is part of what is tested.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { bytesToHex, hexToBytes } from '../core/encoding/bytes.ts';
import { loadOrCreate } from '../devnet/network.ts';
import type { NodeStatus } from '../core/node/status.ts';
import type { Namespaces } from './netns.ts';

const CLI = fileURLToPath(new URL('../cli/ans.js', import.meta.url));

export interface HostSpec {
  readonly name: string;
  /** Where it listens (in its namespace, or 127.0.0.1). */
  readonly ip: string;
  readonly p2pPort: number;
  readonly statusPort: number;
  /** Its network namespace, when hosts are separate. */
  readonly ns?: string;
  /** Where others dial it, when not where it listens (through a WAN relay). */
  readonly announce?: { ip: string; port: number };
}

/** One `ans node` process: its command line stays the same across restarts. */
export class Host {
  readonly spec: HostSpec;
  readonly dataDir: string;
  readonly id: string;
  readonly args: string[];
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  readonly #log: WriteStream;
  /** Process starts so far. */
  starts = 0;

  constructor(spec: HostSpec, dataDir: string, id: string, args: string[], logPath: string) {
    this.spec = spec;
    this.dataDir = dataDir;
    this.id = id;
    this.args = args;
    this.#log = createWriteStream(logPath, { flags: 'a' });
  }

  get name(): string {
    return this.spec.name;
  }

  /** The address other peers dial. */
  get address(): string {
    const a = this.spec.announce ?? { ip: this.spec.ip, port: this.spec.p2pPort };
    return `/ip4/${a.ip}/tcp/${a.port}/ws/p2p/${this.id}`;
  }

  get statusUrl(): string {
    return `http://${this.spec.ip}:${this.spec.statusPort}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.running ? this.#child!.pid : undefined;
  }

  /** Starts the process; resolves once its endpoint answers (its first sync done), or rejects with its last words. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) return;
    this.starts++;
    const command = this.spec.ns ? ['ip', ['netns', 'exec', this.spec.ns, process.execPath, CLI, ...this.args]] as const : [process.execPath, [CLI, ...this.args]] as const;
    const child = spawn(command[0], command[1], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    this.#exited = new Promise((r) => child.once('exit', () => r()));
    const stamp = () => new Date().toISOString().slice(11, 23);
    this.#log.write(`--- ${stamp()} start ${this.starts}: ${command[0]} ${command[1].join(' ')}\n`);
    const tail: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (l) => {
      this.#log.write(`${stamp()} ! ${l}\n`);
      tail.push(l);
      if (tail.length > 5) tail.shift();
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (l) => this.#log.write(`${stamp()} ${l}\n`));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not come up in ${timeoutMs / 1000} s: ${tail.join(' | ')}`)), timeoutMs);
      lines.once('line', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}) while starting: ${tail.join(' | ')}`));
      });
    });
  }

  /** Kills the process (SIGKILL by default: no chance to close anything) and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.#child!.kill(signal);
    await this.#exited;
    this.#log.write(`--- ${new Date().toISOString().slice(11, 23)} killed (${signal})\n`);
  }

  /** Stops it as an operator would (its standard input closes: it stops cleanly), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.#child!.stdin!.end();
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(timer);
  }

  /** Its status, or undefined when it does not answer within `ms`. */
  async status(ms = 3000): Promise<NodeStatus | undefined> {
    if (!this.running) return undefined;
    return getJson<NodeStatus>(`${this.statusUrl}/status`, ms);
  }

  closeLog(): void {
    this.#log.end();
  }
}

/** GET a JSON document, or undefined on any failure within `ms`. */
export async function getJson<T>(url: string, ms = 3000): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
    if (!res.ok) return undefined;
    return (await res.json()) as T;
  } catch {
    return undefined;
  }
}

export interface ClusterOptions {
  /** Everything lives here: network.json, secrets, each host's data and log. */
  readonly dir: string;
  readonly validators?: number;
  /** Each host in its own network namespace (needs root; netns.ts makes and removes them). */
  readonly namespaces?: Namespaces;
  /** Loopback only: the first port used (relay p2p; then status ports and validators). */
  readonly basePort?: number;
  /** Block time of the network (default the devnet's 2 s). */
  readonly blockTimeMs?: number;
}

/** The relay and the validators, as hosts; the network's settings file and keys. */
export class Cluster {
  readonly dir: string;
  readonly relay: Host;
  readonly validators: Host[];
  readonly faucetKey: Uint8Array;
  readonly validatorKeys: Uint8Array[];

  private constructor(dir: string, relay: Host, validators: Host[], faucetKey: Uint8Array, validatorKeys: Uint8Array[]) {
    this.dir = dir;
    this.relay = relay;
    this.validators = validators;
    this.faucetKey = faucetKey;
    this.validatorKeys = validatorKeys;
  }

  get hosts(): Host[] {
    return [this.relay, ...this.validators];
  }

  /** Makes the network's files (once) and each host's command line; starts nothing. */
  static async create(options: ClusterOptions): Promise<Cluster> {
    const count = options.validators ?? 4;
    mkdirSync(options.dir, { recursive: true });
    const { secrets, network } = loadOrCreate(options.dir, count);
    if (options.blockTimeMs && network.blockTimeMs !== options.blockTimeMs) {
      writeFileSync(join(options.dir, 'network.json'), JSON.stringify({ ...network, blockTimeMs: options.blockTimeMs }, null, 2) + '\n');
    }
    const base = options.basePort ?? 24_000;
    const specs: HostSpec[] = options.namespaces
      ? options.namespaces.hosts.map((h, i) => ({ name: i === 0 ? 'relay' : `v${i - 1}`, ip: h.ip, p2pPort: 4001, statusPort: 4002, ns: h.ns, announce: h.announce }))
      : Array.from({ length: count + 1 }, (_, i) => ({ name: i === 0 ? 'relay' : `v${i - 1}`, ip: '127.0.0.1', p2pPort: base + 2 * i, statusPort: base + 2 * i + 1 }));
    const identities = await Promise.all(specs.map(async (spec) => {
      const dataDir = join(options.dir, spec.name);
      mkdirSync(dataDir, { recursive: true });
      const keyPath = join(dataDir, 'peer.key');
      if (!existsSync(keyPath)) writeFileSync(keyPath, bytesToHex(crypto.getRandomValues(new Uint8Array(32))) + '\n', { mode: 0o600 });
      const key = await generateKeyPairFromSeed('Ed25519', hexToBytes(readFileSync(keyPath, 'utf8').trim()));
      return { dataDir, id: peerIdFromPrivateKey(key).toString() };
    }));
    const hostOf = (spec: HostSpec, i: number, extra: string[]) => new Host(spec, identities[i].dataDir, identities[i].id, [
      'node', '--network', options.dir, '--data', identities[i].dataDir,
      '--listen', `/ip4/${spec.ip}/tcp/${spec.p2pPort}/ws`,
      ...(spec.announce ? ['--announce', `/ip4/${spec.announce.ip}/tcp/${spec.announce.port}/ws`] : []),
      '--status-port', String(spec.statusPort), '--status-host', spec.ip, '--child', ...extra,
    ], join(options.dir, `${spec.name}.log`));
    const relay = hostOf(specs[0], 0, ['--relay', '--bootstrap', '']);
    const validators = specs.slice(1).map((spec, i) => {
      const keyFile = join(options.dir, `${spec.name}.key`);
      if (!existsSync(keyFile)) writeFileSync(keyFile, secrets.validatorKeys[i] + '\n', { mode: 0o600 });
      return hostOf(spec, i + 1, ['--key', keyFile, '--bootstrap', relay.address]);
    });
    return new Cluster(options.dir, relay, validators, hexToBytes(secrets.faucetKey), secrets.validatorKeys.map(hexToBytes));
  }

  /** Starts every host that is not running: the relay first, then the validators together. */
  async start(): Promise<void> {
    await this.relay.start();
    await Promise.all(this.validators.map((v) => v.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.stop()));
    for (const h of this.hosts) h.closeLog();
  }

  /** Statuses of the hosts that answer (by name). */
  async statuses(): Promise<Map<string, NodeStatus>> {
    const out = new Map<string, NodeStatus>();
    await Promise.all(this.hosts.map(async (h) => {
      const s = await h.status();
      if (s) out.set(h.name, s);
    }));
    return out;
  }
}
