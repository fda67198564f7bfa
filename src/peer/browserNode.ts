/**
 * The peer inside the page: a full node of core/ (every block validated in a worker, chain and
 * state in IndexedDB) that dials the network's bootstrap peers over WebSockets and other browsers over
 * WebRTC. Loaded after the first screen is drawn (libp2p is most of the app's code). Its state
 * for the interface lives in a zustand store, updated on every block and sync step.
 */
import { create } from 'zustand';
import type { Health, Node } from '../../core/node/node.ts';
import { devnetFromFile, genesisOf } from '../../core/state/settings.ts';
import { blockHash } from '../../core/block/header.ts';
import { bytesToHex } from '../../core/encoding/bytes.ts';
import { loadNetworkConfig, type NetworkConfig } from './network.ts';
import { receiveOffer, useInbox } from '../wallet/inbox.ts';
import { useWallet } from '../wallet/walletStore.ts';
import { accountScriptHash, decodeOffer } from '../../core/wallet/index.ts';

export type PeerPhase = 'loading' | 'no-network' | 'other-tab' | 'connecting' | 'offline' | 'syncing' | 'synced' | 'stalled' | 'error';

export interface PeerState {
  readonly phase: PeerPhase;
  readonly height: number;
  /** Highest height heard of. */
  readonly best: number;
  readonly peers: number;
  /** Of them, other browsers reached directly over WebRTC. */
  readonly browsers: number;
  /** When the tip last changed (ms). */
  readonly lastBlockAt: number;
  /** Blocks applied per second during a sync (recent average). */
  readonly rate: number;
  /** Height at which this page's sync started (to show what came from IndexedDB). */
  readonly startHeight: number;
  /** Bumped on each new tip: queries depending on the ledger re-read. */
  readonly version: number;
  readonly error?: string;
  /** Why the peer is stalled or offline (Node.health's code), for the status bar. */
  readonly reason?: Health['code'];
  readonly config?: NetworkConfig;
}

export const usePeer = create<PeerState>(() => ({ phase: 'loading', height: -1, best: -1, peers: 0, browsers: 0, lastBlockAt: 0, rate: 0, startHeight: -1, version: 0 }));

let node: Node | undefined;
let starting: Promise<void> | undefined;

/** The running node (undefined until started). */
export function currentNode(): Node | undefined {
  return node;
}

/**
 * Starts the peer once per page: when the first screen is quiet ('quiet'), at the latest by a
 * deadline ('deadline'), or at once for a screen that needs the chain ('wallet'). The first
 * reason is kept in the page's performance timeline (the mark 'antshares:peer-start').
 */
export function startPeer(why: 'quiet' | 'deadline' | 'wallet'): Promise<void> {
  return (starting ??= start(why).catch((e: unknown) => {
    usePeer.setState({ phase: 'error', error: e instanceof Error ? e.message : String(e) });
  }));
}

/** How long a page that is online and has no peer yet says 'connecting' before it says 'offline'. */
const CONNECTING_MS = 20_000;

const PEER_KEY = 'peer-key';

/**
 * This browser's network identity (an Ed25519 libp2p key, not a wallet key: it holds no funds and
 * signs no transaction), kept in localStorage so that a reload is the same peer to the others:
 * its announcements, its inbox tags and its standing with them stay valid.
 */
async function peerIdentity() {
  const { privateKeyFromProtobuf, privateKeyFromRaw, privateKeyToProtobuf } = await import('@libp2p/crypto/keys');
  const { base64 } = await import('@scure/base');
  try {
    const saved = localStorage.getItem(PEER_KEY);
    if (saved) return privateKeyFromProtobuf(base64.decode(saved));
  } catch {
    // unreadable: a new identity below
  }
  // Made by the browser's own Ed25519 (WebCrypto): the same key libp2p would make, without the
  // quarter second a phone spends building noble's tables for one public key.
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  // PKCS#8 for Ed25519 ends with the 32-byte seed (RFC 8410); libp2p's raw form is seed || public key.
  const key = privateKeyFromRaw(new Uint8Array([...pkcs8.subarray(pkcs8.length - 32), ...publicKey]));
  localStorage.setItem(PEER_KEY, base64.encode(privateKeyToProtobuf(key)));
  return key;
}

/**
 * Lets the page answer the user between two steps of the peer's start (a tap, a key, a frame):
 * each step is a task of its own instead of one long one.
 */
function breathe(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

async function start(why: string): Promise<void> {
  // For the benchmarks (bench/lighthouse.ts) and the tests: when and why the peer started, and
  // when it was first synced (what its start cost the page lies between the two).
  performance.mark('antshares:peer-start', { detail: why });
  const config = await loadNetworkConfig();
  if (!config) {
    usePeer.setState({ phase: 'no-network' });
    return;
  }
  // The peer's modules one by one, each evaluated in a task of its own.
  const { Node } = await import('../../core/node/node.ts');
  await breathe();
  const { RemoteChain } = await import('../../core/state/remote-chain.ts');
  const { WorkerVerifier } = await import('../../core/crypto/pool.ts');
  const { setDefaultVerifier } = await import('../../core/crypto/ecdsa.ts');
  await breathe();
  const { webRTC } = await import('@libp2p/webrtc');
  await breathe();
  const { circuitRelayTransport } = await import('@libp2p/circuit-relay-v2');
  await breathe();
  // What the page itself verifies (transactions for the pool, offers) goes to a Web Worker too.
  setDefaultVerifier(new WorkerVerifier());
  const settings = devnetFromFile(config);
  const genesis = bytesToHex(blockHash(genesisOf(settings))).slice(0, 16);
  await breathe();
  // The chain is checked and stored in a worker (every rule, every signature, IndexedDB); the
  // page keeps the network (WebRTC exists only here) and a copy of the ledger for the screens.
  // One database per chain: a devnet made again (another genesis) starts a new one.
  const worker = new Worker(new URL('../../core/state/chain-worker.ts', import.meta.url), { type: 'module' });
  const store = await RemoteChain.open(worker, `antshares-${settings.name}-${genesis}`, settings, {
    onWaiting: () => usePeer.setState({ phase: 'other-tab' }),
    // A refused write (storage full, say) or a dead worker stops the chain: say so, plainly.
    onFailure: (e) => usePeer.setState({ phase: 'error', error: e.message }),
  });
  await breathe();
  const peerKey = await peerIdentity();
  const { noiseCryptoWithWebCryptoKeys } = await import('./noise-crypto.ts');
  const noiseCrypto = await noiseCryptoWithWebCryptoKeys();
  // ICU's collator loads on the first string comparison by locale (libp2p's peer store sorts
  // protocol names so, once it starts): about 80 ms on a phone, here in a task of its own.
  'a'.localeCompare('b');
  await breathe();
  const local = config.bootstrap.some((a) => a.includes('/127.0.0.1/') || a.includes('/localhost/'));
  node = await Node.start({
    settings, store, bootstrap: config.bootstrap, syncOnStart: false, peerKey, noiseCrypto,
    listen: ['/p2p-circuit', '/webrtc'],
    // No ICE servers: public STUN hosts are unreachable from a local network (browser-p2p.md).
    transports: [webRTC({ rtcConfiguration: { iceServers: [] } }), circuitRelayTransport()],
    allowLocalDials: local,
    browserPeers: 4,
  });
  const n = node;
  // For diagnostics (and the e2e tests): the hash of the page's copy of the state, and this
  // peer's id. Public data.
  Object.defineProperty(globalThis, '__antsharesPeer', { value: Object.freeze({ stateHash: () => bytesToHex(n.chain.ledger.stateHash()), id: () => n.peer.id }) });
  // Offers sent straight to this browser, for the accounts it holds (when the user allows it).
  n.onOffer((text, from) => {
    try {
      decodeOffer(text);
    } catch {
      return false;
    }
    receiveOffer(text, from);
    return true;
  });
  const inbox = () => n.setInbox(useInbox.getState().enabled ? useWallet.getState().accounts.filter((a) => a.pay).map(accountScriptHash) : []);
  useInbox.subscribe((s, before) => s.enabled !== before.enabled && inbox());
  useWallet.subscribe((s, before) => s.accounts !== before.accounts && inbox());
  inbox();
  const startHeight = n.height;
  let samples: { at: number; height: number }[] = [];
  let connectedOnce = false;
  const startedAt = performance.now();
  const refresh = () => {
    const p = n.progress;
    const now = performance.now();
    samples = [...samples.filter((s) => now - s.at < 5000), { at: now, height: p.height }];
    const first = samples[0];
    const rate = now - first.at > 500 ? ((p.height - first.height) * 1000) / (now - first.at) : 0;
    const peers = n.peer.connections().length;
    const health = n.health;
    connectedOnce ||= peers > 0;
    // No peer yet is 'connecting' for the first seconds of a page that is online; 'offline' when
    // the browser is offline, when it was connected and is no more, or when no peer answered yet.
    const connecting = !connectedOnce && navigator.onLine !== false && now - startedAt < CONNECTING_MS;
    if (health.state === 'synced' && !performance.getEntriesByName('antshares:peer-synced').length) performance.mark('antshares:peer-synced');
    usePeer.setState((s) => ({
      // 'synced' only when it is (Node.health): an old last block with peers is 'stalled'. An error stays shown.
      phase: s.phase === 'error' ? 'error' : health.state === 'offline' && connecting ? 'connecting' : health.state,
      reason: health.code,
      height: p.height, best: p.best, peers, browsers: n.peer.webRtcConnections().length, lastBlockAt: n.lastBlockAt, rate, startHeight, config,
      version: s.height !== p.height ? s.version + 1 : s.version,
    }));
  };
  // At most five updates a second: a sync applies blocks faster than the screen needs them.
  let scheduled = false;
  const soon = () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      refresh();
    }, 200);
  };
  n.onProgress(soon);
  n.onTip(soon);
  addEventListener('online', soon);
  addEventListener('offline', soon);
  setInterval(refresh, 1000);
  refresh();
}
