/**
 * The local network of `npm start` and `ans devnet`, on loopback only: a relay/bootstrap peer
 * (which also serves the circuit relay browsers use to reach each other over WebRTC), four
 * validators, each with its own on-disk store, a faucet, and an HTTP endpoint for status,
 * faucet requests and the network's description. Everything lives in one data folder, so the
 * next start continues the same chain.
 *
 * The folder holds `network.json` (public: the genesis settings) and `secrets.json` (mode 0600:
 * the validators' and the faucet's private keys, and the relay's peer identity). These are the
 * keys of a throwaway development network on this machine; a wallet's keys never go there.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { prioritizeEventLoop } from '../core/node/priority.node.ts';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { bytesToHex, hexToBytes } from '../core/encoding/bytes.ts';
import { FIXED8_ONE } from '../core/encoding/primitives.ts';
import { ANTCOIN_ID } from '../core/block/genesis.ts';
import { generatePrivateKey, getPublicKey } from '../core/crypto/keys.ts';
import { scriptHash, singleKeyScript } from '../core/script/accounts.ts';
import { devnetFromFile, type NetworkFile, type NetworkSettings } from '../core/state/settings.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { Node } from '../core/node/node.ts';
import { Faucet } from './faucet.ts';
import { serveHttp, type HttpServer } from './http.ts';
import { nodeStatus, type NodeStatus } from '../core/node/status.ts';

const CLI = fileURLToPath(new URL('../cli/ans.js', import.meta.url));

export type { NetworkFile } from '../core/state/settings.ts';

interface SecretsFile {
  readonly validatorKeys: string[];
  readonly faucetKey: string;
  readonly relaySeed: string;
  /** The exchange agent's key (added to a devnet made before agents existed). */
  agentKey?: string;
}

/** The settings of a devnet's network.json. */
export const settingsOf = devnetFromFile;

/** Reads the data folder's network and keys, creating both on first use. */
export function loadOrCreate(dir: string, validators = 4): { network: NetworkFile; secrets: SecretsFile; created: boolean } {
  mkdirSync(dir, { recursive: true });
  const networkPath = join(dir, 'network.json');
  const secretsPath = join(dir, 'secrets.json');
  if (existsSync(networkPath) && existsSync(secretsPath)) {
    const secrets = JSON.parse(readFileSync(secretsPath, 'utf8')) as SecretsFile;
    if (!secrets.agentKey) {
      secrets.agentKey = bytesToHex(generatePrivateKey());
      writeFileSync(secretsPath, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
    }
    return { network: JSON.parse(readFileSync(networkPath, 'utf8')), secrets, created: false };
  }
  const keys = Array.from({ length: validators }, () => generatePrivateKey());
  const faucetKey = generatePrivateKey();
  const secrets: SecretsFile = { validatorKeys: keys.map(bytesToHex), faucetKey: bytesToHex(faucetKey), relaySeed: bytesToHex(generatePrivateKey()), agentKey: bytesToHex(generatePrivateKey()) };
  const network: NetworkFile = {
    name: 'devnet',
    genesisTimestamp: Math.floor(Date.now() / 1000) - 60,
    validators: keys.map((k) => bytesToHex(getPublicKey(k))),
    antShareHolder: bytesToHex(scriptHash(singleKeyScript(getPublicKey(faucetKey)))),
  };
  writeFileSync(secretsPath, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  chmodSync(secretsPath, 0o600);
  writeFileSync(networkPath, JSON.stringify(network, null, 2) + '\n');
  return { network, secrets, created: true };
}

export interface LocalNetworkOptions {
  readonly dir: string;
  /** The relay's WebSocket port (default 4001). */
  readonly relayPort?: number;
  /** Status, faucet and network description (default 4002). */
  readonly httpPort?: number;
  readonly log?: (line: string) => void;
  /**
   * Run each validator in its own process (default), as `ans node` with its key file: the
   * network uses every core, and one validator's crash is its own. In-process validators
   * (false) start faster, for tests that reach into their state.
   */
  readonly processes?: boolean;
  /** Start the network's exchange agent (`ans agent`, in its own process; default true). */
  readonly agent?: boolean;
}

/** The local network's exchange agent (docs/exchange.md). */
export interface LocalAgent {
  readonly address: string;
  readonly peer: string;
  /** Its HTTP endpoint: POST /orders, GET /book, GET /agent. */
  readonly http: string;
  readonly pid?: number;
  stop(): Promise<void>;
}

/** A validator of the local network, in this process or its own. */
export interface LocalValidator {
  readonly index: number;
  /** The node, when it runs in this process. */
  readonly node?: Node;
  /** Its process, when it runs in its own. */
  readonly pid?: number;
  /** Where it listens. */
  readonly addresses: string[];
  status(): Promise<NodeStatus>;
  stop(): Promise<void>;
}

export interface LocalNetwork {
  readonly settings: NetworkSettings;
  readonly network: NetworkFile;
  readonly relay: Node;
  readonly validators: LocalValidator[];
  readonly faucet: Faucet;
  readonly http: HttpServer;
  /** The relay's addresses: what other peers and browsers dial. */
  readonly bootstrap: string[];
  readonly agent?: LocalAgent;
  stop(): Promise<void>;
}

export async function startLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const log = options.log ?? (() => {});
  const { network, secrets, created } = loadOrCreate(options.dir);
  const settings = settingsOf(network);
  log(created ? `New devnet in ${options.dir}` : `Continuing the devnet in ${options.dir}`);
  const started: { stop(): Promise<void> }[] = [];
  await prioritizeEventLoop(); // this process runs the relay
  try {
    const peerKey = await generateKeyPairFromSeed('Ed25519', hexToBytes(secrets.relaySeed));
    const relayPort = options.relayPort ?? 4001;
    const relay = await Node.start({
      settings, store: await LevelStore.open(join(options.dir, 'relay')), peerKey, relay: true,
      listen: [`/ip4/127.0.0.1/tcp/${relayPort}/ws`],
    });
    started.push(relay);
    const bootstrap = relay.peer.addresses();
    log(`relay at height ${relay.height}: ${bootstrap.join(' ')}`);
    const validators: LocalValidator[] = [];
    for (let i = 0; i < secrets.validatorKeys.length; i++) {
      const data = join(options.dir, `validator-${i}`);
      let v: LocalValidator;
      if (options.processes ?? true) {
        const keyFile = join(options.dir, `validator-${i}.key`);
        if (!existsSync(keyFile)) writeFileSync(keyFile, secrets.validatorKeys[i] + '\n', { mode: 0o600 });
        // Each validator dials the relay and the validators before it: consensus messages go
        // straight between validators, not through the relay's busy thread.
        const peers = [bootstrap[0], ...validators.flatMap((x) => x.addresses.slice(0, 1))];
        v = await spawnValidator(i, ['node', '--network', options.dir, '--data', data, '--key', keyFile, '--bootstrap', peers.join(','), '--status-port', '0', '--child'], log);
      } else {
        const node = await Node.start({
          settings, store: await LevelStore.open(data), listen: ['/ip4/127.0.0.1/tcp/0/ws'],
          bootstrap: [...bootstrap, ...validators.flatMap((x) => x.addresses.slice(0, 1))],
          validator: { privateKey: hexToBytes(secrets.validatorKeys[i]) },
        });
        v = { index: i, node, addresses: node.peer.addresses(), status: async () => nodeStatus(node), stop: () => node.stop() };
        log(`validator ${i} at height ${node.height}: ${node.peer.addresses()[0]}`);
      }
      started.push(v);
      validators.push(v);
    }
    const faucet = new Faucet(relay, hexToBytes(secrets.faucetKey));
    let agent: LocalAgent | undefined;
    const http = await serveHttp({ port: options.httpPort ?? 4002, node: relay, validators, faucet, network, bootstrap, agent: () => agent && { address: agent.address, peer: agent.peer, http: agent.http } });
    started.push({ stop: () => http.close() });
    log(`status, faucet and network description at ${http.url}`);
    if ((options.agent ?? true) && secrets.agentKey) {
      const keyFile = join(options.dir, 'agent.key');
      if (!existsSync(keyFile)) writeFileSync(keyFile, secrets.agentKey + '\n', { mode: 0o600 });
      const child = await spawnChild('agent', ['agent', '--network', options.dir, '--data', join(options.dir, 'agent'), '--key', keyFile, '--bootstrap', bootstrap[0], '--http', '0', '--child'], log);
      const ready = child.ready as { address: string; peer: string; http: string };
      agent = { ...ready, pid: child.pid, stop: child.stop };
      started.push(agent);
      // Its AntCoin pays the chain's fee of every settlement (clients need none): from the faucet, while it has little.
      const agentHash = scriptHash(singleKeyScript(getPublicKey(hexToBytes(secrets.agentKey))));
      if (relay.chain.ledger.balance(agentHash, ANTCOIN_ID) < 5n * FIXED8_ONE) {
        faucet.request(agentHash).catch((e: Error) => log(`the agent's AntCoin from the faucet: ${e.message}`));
      }
      log(`exchange agent ${agent.address}: orders at ${agent.http}/orders, book at ${agent.http}/book`);
    }
    return {
      settings, network, relay, validators, faucet, http, bootstrap, agent,
      async stop() {
        await http.close();
        await agent?.stop();
        await Promise.all(validators.map((v) => v.stop()));
        await relay.stop();
      },
    };
  } catch (e) {
    await Promise.allSettled(started.map((n) => n.stop()));
    throw e;
  }
}

/**
 * Starts `ans node … --child`: it prints one JSON line when it is up ({ height, addresses,
 * statusUrl }), then its log; it stops when its standard input closes (so it never outlives us).
 */
async function spawnValidator(index: number, args: string[], log: (line: string) => void): Promise<LocalValidator> {
  const child = await spawnChild(`validator ${index}`, args, log);
  const ready = child.ready as { height: number; addresses: string[]; statusUrl: string };
  log(`validator ${index} (process ${child.pid}) at height ${ready.height}: ${ready.addresses[0]}`);
  return {
    index,
    pid: child.pid,
    addresses: ready.addresses,
    async status() {
      const res = await fetch(`${ready.statusUrl}/status`);
      return (await res.json()) as NodeStatus;
    },
    stop: child.stop,
  };
}

/**
 * Starts an `ans … --child` process: its first line is JSON (what it says when it is up), the
 * rest its log; it stops when its standard input closes, or is killed 15 s after.
 */
async function spawnChild(name: string, args: string[], log: (line: string) => void): Promise<{ pid?: number; ready: unknown; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout! });
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => {
    errors.push(l);
    log(`${name}: ${l}`);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = await new Promise<unknown>((resolve, reject) => {
    lines.once('line', (first) => {
      try {
        resolve(JSON.parse(first));
      } catch {
        reject(new Error(`${name} said: ${first}`));
      }
    });
    void exited.then((code) => reject(new Error(`${name} exited (${code}): ${errors.join(' ')}`)));
  });
  lines.on('line', (l) => log(`${name}: ${l}`));
  return {
    pid: child.pid,
    ready,
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
