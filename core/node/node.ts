/**
 * A node: the chain on its store, the mempool, and a libp2p peer, joined. Transactions and blocks
 * that arrive by gossip go through every rule before they are forwarded; a peer that sends
 * something that breaks a rule regardless of the chain's state is disconnected, while what may
 * be an honest race (a transaction already spent, a block we already have) is only ignored.
 *
 * Blocks are applied one at a time in the node's queue of chain work. Nothing in that queue waits
 * on a peer: a sync asks for blocks outside it and only applies them in it. A sync starts on a
 * claim checked first (a block ahead of the tip whose header the known validators signed, a
 * consensus message ahead signed by one of them), or when the node has heard no block for a few
 * block intervals while connected (it then asks its peers, and resubscribes or reconnects if
 * gossip stopped bringing what they have). It keeps a book of Node peers' addresses (peer-book.ts)
 * and dials from it whenever it has too few connections.
 */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { DecodeError, ProtocolError } from '../encoding/errors.ts';
import { decodeBlockWithMessages, type Block } from '../block/block.ts';
import { blockHash, blockHashOfBytes, verifyHeaderSignatures } from '../block/header.ts';
import { nextMinerOf } from '../block/genesis.ts';
import { scriptHash } from '../script/accounts.ts';
import type { Transaction } from '../tx/transaction.ts';
import { decodeTransactionBatch, encodeTransaction, encodeTransactionBatch, messageHash } from '../tx/transaction.ts';
import { Chain, type ChainLike } from '../state/chain.ts';
import type { NetworkSettings } from '../state/settings.ts';
import type { Delta } from '../state/tables.ts';
import type { KeyValueStore } from '../store/kv.ts';
import { Mempool, poolError } from '../mempool/mempool.ts';
import { PENALTY, Peer, type PeerOptions, type Verdict } from '../p2p/peer.ts';
import { serveBlocks, serveHeaders, serveTransactions, syncFrom } from '../p2p/sync.ts';
import { Validator, type ValidatorOptions } from './validator.ts';
import { openMessage } from '../consensus/messages.ts';
import { decodeAnnouncement, encodeAnnouncement, encodeNodeAnnouncement } from '../p2p/discovery.ts';
import { PeerBook } from '../p2p/peer-book.ts';
import { MAX_INBOX_TAGS, inboxTag, offerError, sendOffer, serveOffers } from '../p2p/offers.ts';
import { addBounded, setBounded } from '../util/bounded.ts';
import { readAnnouncement, type AgentAnnouncement } from '../exchange/announce.ts';

/** Rejections that can come from an honest peer that sees another state than ours: ignored, not punished. */
const STATE_DEPENDENT = new Set([
  'MEMPOOL_DUPLICATE', 'MEMPOOL_CONFLICT', 'MEMPOOL_FULL', 'MEMPOOL_BUSY',
  'TX_INPUT_NOT_FOUND', 'TX_INPUT_ALREADY_SPENT', 'TX_ASSET_UNKNOWN', 'VOTE_CANDIDATE_UNKNOWN', 'ENROLLMENT_KEY_TAKEN', 'ASSET_AMOUNT_EXCEEDED',
]);

/** Transactions a node submits go out in gossip batches of at most this many, at most this late. */
const BATCH_SIZE = 256;
const BATCH_MS = 25;

/** Most waiting transactions gossiped again after each block. */
const REANNOUNCE_MAX = 2_000;

/** Most block hashes a node remembers to ignore copies by. */
const RECENT_BLOCKS = 16;

/** How often a node checks its connections (bootstrap peers, enough peers) and whether the chain stalled. */
const MAINTAIN_MS = 2000;
/** Connections a Node peer keeps (dialling from its peer book while it has fewer); a browser, to Node peers. */
const TARGET_PEERS = 8;
const TARGET_NODE_PEERS_OF_BROWSER = 2;
/** Block intervals without a new block, while connected, after which the node calls itself stalled and asks its peers. */
const STALL_INTERVALS = 3;
/** How often a Node peer announces its addresses on the peers topic. */
const NODE_ANNOUNCE_MS = 30_000;
/** Most exchange agents kept in the directory of those heard of. */
const MAX_AGENTS = 256;
/** Syncs waiting their turn at most (a claim from a peer already waiting is not queued twice). */
const MAX_QUEUED_SYNCS = 4;
const PEER_BOOK_KEY = Uint8Array.of(0x70); // 'p', beside the chain's keys

function verdictOf(e: unknown): Verdict {
  if (e instanceof DecodeError) return { reject: e.message };
  if (e instanceof ProtocolError) return STATE_DEPENDENT.has(e.code) ? 'ignore' : { reject: `${e.code}: ${e.detail}` };
  return 'ignore'; // our own fault (a bug, a full disk): never the sender's
}

export interface NodeOptions {
  readonly settings: NetworkSettings;
  /** The store of the chain, opened in this thread; or the chain itself, already open (a browser's, in a worker). */
  readonly store: KeyValueStore | ChainLike;
  readonly listen?: readonly string[];
  /** Addresses announced to other peers instead of the listening ones (PeerOptions.announce). */
  readonly announce?: readonly string[];
  /** Peers to dial at start, and to sync from. */
  readonly bootstrap?: readonly string[];
  /** Serve a circuit relay (for browsers to reach each other over WebRTC). */
  readonly relay?: boolean;
  /** The peer's libp2p identity (default: a new one). */
  readonly peerKey?: PeerOptions['privateKey'];
  /**
   * Transactions waiting in the pool above which `submit` refuses new ones (MEMPOOL_BUSY, retry
   * shortly): a network offered more than it can settle stays at its pace instead of queueing
   * without bound (default 5,000: a few blocks' worth at this machine's pace).
   */
  readonly maxPending?: number;
  /** With a validator key, the node takes part in consensus. */
  readonly validator?: Omit<ValidatorOptions, 'privateKey'> & { privateKey: Uint8Array };
  /** Transports beside WebSockets, and loopback dials: what a browser peer adds (p2p/browser.ts). */
  readonly transports?: PeerOptions['transports'];
  /** Noise's crypto (PeerOptions.noiseCrypto). */
  readonly noiseCrypto?: PeerOptions['noiseCrypto'];
  readonly allowLocalDials?: boolean;
  /**
   * Sync from the bootstrap peers before `start` resolves (default true). A wallet starts at
   * once and syncs in the background, showing progress (`onProgress`).
   */
  readonly syncOnStart?: boolean;
  /**
   * A browser peer: announce its WebRTC address on the peers topic and dial up to this many
   * other browser peers announced there (default 0: a Node peer only forwards announcements).
   */
  readonly browserPeers?: number;
}

/** How often a browser peer announces its WebRTC address. */
const ANNOUNCE_MS = 15_000;

/**
 * The node's standing with the network, in plain words for a status bar: `synced` only when it
 * is connected, not catching up, and has seen a block within a few block intervals; an old last
 * block with peers connected is `stalled`, with the reason.
 */
export interface Health {
  readonly state: 'offline' | 'syncing' | 'synced' | 'stalled';
  /**
   * Why, when offline or stalled (the app translates the code): no peer connected; asking the
   * peers for blocks; gossip stopped bringing blocks that the peers had (resubscribed or
   * reconnected); no peer has a newer block (the validators may be down).
   */
  readonly code?: 'NO_PEERS' | 'ASKING_PEERS' | 'GOSSIP_SILENT' | 'NO_NEWER_BLOCK';
  /** The same in plain English, with the figures (logs, `ans status`). */
  readonly reason?: string;
  /** Seconds since the tip last changed here. */
  readonly lastBlockAgoSeconds: number;
  readonly peers: number;
}

/** Where a node is in catching up with the network. */
export interface SyncProgress {
  readonly height: number;
  /** The highest block height heard of (a gossiped block ahead of us), at least `height`. */
  readonly best: number;
  readonly syncing: boolean;
}

export class Node {
  readonly chain: ChainLike;
  readonly mempool: Mempool;
  readonly peer: Peer;
  readonly settings: NetworkSettings;
  /** Chain work (applying blocks, from gossip or a sync) runs one at a time; nothing in it waits on a peer. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #tipListeners: (() => void)[] = [];
  #outgoing: Uint8Array[] = [];
  #maxPending = 5_000;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the node validates. */
  validator: Validator | undefined;
  /** When the tip last changed (ms). */
  lastBlockAt = Date.now();
  #bootstrap: string[] = [];
  #timers: ReturnType<typeof setInterval>[] = [];
  #browserPeers = 0;
  /** Browser peers heard of: id -> a WebRTC address and the inbox tags of the accounts it takes offers for. */
  readonly #announced = new Map<string, { address: string; inbox: string[] }>();
  /** Node peers this node knows how to reach (kept in the store when the chain is in this thread). */
  readonly book: PeerBook;
  /** Accounts this browser peer takes offers for (script hashes), and who is told of an offer. */
  #inbox: Uint8Array[] = [];
  readonly #offerListeners: ((text: string, from: string) => boolean)[] = [];
  /** Exchange agents heard on the agents topic, by public key (hex): the latest announcement of each. */
  readonly #agents = new Map<string, { announcement: AgentAnnouncement; bytes: Uint8Array; at: number }>();
  readonly #agentListeners: ((a: AgentAnnouncement) => void)[] = [];
  #announceSelf: () => void = () => {};
  #dialingBrowser = false;
  #dialing = new Set<string>();
  /** Connections to the bootstrap peers lost and dialled again (status). */
  reconnects = 0;
  #best = -1;
  /** Hashes (hex) of the last blocks applied here, or being applied: copies that arrive are ignored. */
  readonly #recentBlocks = new Set<string>();
  #syncing = 0;
  /** Syncs queued or running, by peer: one at a time, each beside block application. */
  #syncs = new Map<string, Promise<{ height: number; error?: Error }>>();
  #syncChain: Promise<unknown> = Promise.resolve();
  readonly #progressListeners: ((p: SyncProgress) => void)[] = [];
  /** Stall handling: when it began, what was tried, and what the last re-sync found. */
  #stall: { since: number; tries: number; found: number; code: NonNullable<Health['code']>; reason: string } | null = null;
  #stopped = false;
  /** When a block last came by gossip or was made here (a sync's blocks do not count: see #checkStall). */
  #gossipAt = Date.now();
  /** Set once start's own first syncs are under way (connections before that are synced by start). */
  #started = false;

  private constructor(chain: ChainLike, peer: Peer, settings: NetworkSettings, book: PeerBook) {
    this.chain = chain;
    this.peer = peer;
    this.settings = settings;
    this.mempool = new Mempool(chain.ledger);
    this.book = book;
  }

  static async start(options: NodeOptions): Promise<Node> {
    const chain = 'ledger' in options.store ? options.store : await Chain.open(options.store, options.settings);
    const peer = await Peer.start({
      magic: options.settings.magic, listen: options.listen, announce: options.announce, relay: options.relay, privateKey: options.peerKey, transports: options.transports, allowLocalDials: options.allowLocalDials,
      noiseCrypto: options.noiseCrypto,
    });
    const node = new Node(chain, peer, options.settings, await loadBook(chain));
    node.#maxPending = options.maxPending ?? node.#maxPending;
    await serveBlocks(peer, options.settings.magic, (h) => chain.blockBytes(h));
    await serveHeaders(peer, options.settings.magic, (h) => chain.blockBytes(h));
    await serveTransactions(peer, options.settings.magic, (hash) => node.validator?.lookup(hash) ?? node.mempool.bytesOf(hash));
    peer.subscribe(peer.topics.transactions, (data) => node.#onTransaction(data), () => {});
    peer.subscribe(peer.topics.blocks, (data, from) => node.#onBlock(data, from), () => {});
    // What a connected peer says it listens on goes into the book (a validator restarted on
    // another port is found again), and a dial that worked resets its backoff.
    // A Node peer (one that listens where it can be dialled) just connected, either way: what it
    // has that we missed while apart comes by a sync (nothing to send costs it one empty answer).
    peer.on('peer:identify', (evt) => {
      const id = evt.detail.peerId.toString();
      const direct = node.book.add(id, evt.detail.listenAddrs.map((a) => `${a.toString()}/p2p/${id}`)) || node.book.has(id);
      node.book.connected(id);
      if (direct && node.#started) node.requestSync(id);
    });
    node.#bootstrap = [...(options.bootstrap ?? [])];
    for (const address of node.#bootstrap) {
      const id = address.split('/p2p/').at(-1);
      if (id) node.book.add(id, [address]);
    }
    await Promise.all(node.#bootstrap.map((address) => node.#dial(address)));
    // Connections drop (a peer restarts, a link fails): the bootstrap peers are dialled again,
    // and more peers from the book while there are too few; a stalled chain is noticed.
    node.#timers.push(setInterval(() => void node.#maintain(), MAINTAIN_MS));
    // Every peer checks and forwards announcements; browser peers also dial some browsers, and
    // every peer keeps Node peers' addresses in its book.
    const wanted = options.browserPeers ?? 0;
    node.#browserPeers = wanted;
    peer.subscribe(peer.topics.peers, (data) => {
      try {
        decodeAnnouncement(data);
        return 'accept';
      } catch (e) {
        return { reject: (e as Error).message };
      }
    }, (data) => node.#heard(data));
    if (wanted > 0) {
      node.#announceSelf = () => {
        const data = encodeAnnouncement(peer.addresses(), node.#inbox.map((h) => inboxTag(h, peer.id)));
        if (data) void peer.publish(peer.topics.peers, data).catch(() => {});
      };
      await serveOffers(peer, options.settings.magic, (text, from) => node.#offerListeners.some((listen) => listen(text, from)));
    } else {
      node.#announceSelf = () => {
        const data = encodeNodeAnnouncement(peer.addresses());
        if (data) void peer.publish(peer.topics.peers, data).catch(() => {});
      };
    }
    node.#timers.push(setInterval(() => node.#announceSelf(), wanted > 0 ? ANNOUNCE_MS : NODE_ANNOUNCE_MS));
    for (const ms of [1000, 3000, 7000]) node.#timers.push(setTimeout(() => node.#announceSelf(), ms)); // once connected (a browser: after its relay reservation)
    peer.subscribe(peer.topics.consensus, (data, from) => node.#onConsensus(data, from), () => {});
    // Exchange agents' announcements: forwarded only when signed by the key they name; the
    // latest of each agent is kept (for wallets and `ans agent audit`).
    peer.subscribe(peer.topics.agents, async (data) => {
      try {
        const a = await readAnnouncement(data, options.settings.magic);
        const known = node.#agents.get(bytesToHex(a.publicKey));
        if (known && known.announcement.height > a.height) return 'ignore';
        setBounded(node.#agents, bytesToHex(a.publicKey), { announcement: a, bytes: data, at: Date.now() }, MAX_AGENTS);
        for (const listen of node.#agentListeners) listen(a);
        return 'accept';
      } catch (e) {
        return { reject: (e as Error).message };
      }
    }, () => {});
    const first = peer.connections().map((remote) => node.syncFrom(remote));
    node.#started = true;
    if (options.syncOnStart !== false) await Promise.all(first);
    if (options.validator) {
      node.validator = new Validator(node, options.validator);
      await node.validator.start();
    }
    return node;
  }

  /**
   * A consensus message. Forwarded only when it verifies: one for the next height must be signed
   * by the validator it names (else its sender is banned); one a height further, by the same
   * validators (the common case: no election between), else it is not forwarded (we cannot judge
   * it; a little penalty). One further ahead still is a claim that this node is behind: if one of
   * our validators signed it, the node syncs from its sender (beside block application).
   */
  async #onConsensus(data: Uint8Array, from: string): Promise<Verdict> {
    let opened: ReturnType<typeof openMessage>;
    try {
      opened = openMessage(this.settings.magic, data);
    } catch (e) {
      return { reject: (e as Error).message };
    }
    const next = this.chain.height + 1;
    const { height } = opened.message;
    if (height < next) return 'ignore';
    const validators = this.chain.ledger.nextValidators();
    const refused = await opened.checkSender(validators);
    if (height === next && refused !== null) return { reject: refused };
    if (refused !== null) {
      void this.peer.penalize(from, PENALTY.unverifiable, `a consensus message for height ${height} that no validator we know signed`);
      return 'ignore';
    }
    if (height > next + 1) {
      this.requestSync(from);
      return 'ignore';
    }
    return this.validator ? this.validator.receive(opened, data, validators[opened.message.sender]) : 'accept';
  }

  /** Dials `address` (a multiaddress ending in the peer's id), with a deadline; notes the result in the book. */
  async #dial(address: string): Promise<boolean> {
    const id = address.split('/p2p/').at(-1) ?? address;
    if (this.#dialing.has(id) || this.peer.isBanned(id) || id === this.peer.id) return false;
    this.#dialing.add(id);
    try {
      await this.peer.dial(address);
      this.book.connected(id);
      return true;
    } catch {
      this.book.failed(id);
      return false;
    } finally {
      this.#dialing.delete(id);
    }
  }

  /** Every MAINTAIN_MS: bootstrap peers, enough peers, browser peers, and the stall check. */
  async #maintain(): Promise<void> {
    if (this.#stopped) return;
    if (this.#browserPeers > 0) void this.#dialBrowser();
    const connected = new Set(this.peer.connections());
    // Each dial that works brings what was missed while cut off (a sync, beside block application).
    const dialAll = async (id: string, addresses: readonly string[]) => {
      for (const address of addresses) {
        if (await this.#dial(address)) {
          this.reconnects++;
          this.requestSync(id);
          return;
        }
      }
    };
    const wanted = new Set<string>();
    for (const address of this.#bootstrap) {
      const id = address.split('/p2p/').at(-1);
      if (id && !connected.has(id) && !wanted.has(id)) {
        wanted.add(id);
        void dialAll(id, [address]);
      }
    }
    const nodePeers = [...connected].filter((id) => this.book.has(id)).length;
    const target = this.#browserPeers > 0 ? TARGET_NODE_PEERS_OF_BROWSER : TARGET_PEERS;
    if (nodePeers < target) {
      const skip = new Set([...connected, ...wanted, ...this.#dialing, this.peer.id]);
      for (const entry of this.book.due(skip, Math.min(2, target - nodePeers))) {
        if (!this.peer.isBanned(entry.id)) void dialAll(entry.id, entry.addresses);
      }
    }
    this.#checkStall(connected.size);
    if (this.book.takeChanged()) void saveBook(this.chain, this.book);
  }

  /**
   * Notices a chain that stopped moving here while peers are connected (no block for
   * STALL_INTERVALS block intervals): a stall begins, and lasts until a block comes by gossip (or
   * is made here) again; catching up by request does not end it. Once per stall interval the node
   * asks every peer for blocks; when those syncs bring blocks that gossip did not, gossip stopped
   * reaching this node: it resubscribes to the topics, and the next time reconnects to its peers.
   */
  #checkStall(connections: number): void {
    const age = Date.now() - this.lastBlockAt;
    const limit = STALL_INTERVALS * this.settings.blockTimeMs;
    if (this.#stall === null && (age < limit || connections === 0)) return;
    if (connections === 0) return;
    const stall = (this.#stall ??= { since: Date.now(), tries: 0, found: 0, code: 'ASKING_PEERS', reason: '' });
    if (Date.now() - stall.since < stall.tries * limit) return; // one attempt per stall interval
    stall.tries++;
    const before = this.chain.height;
    const peers = this.peer.connections();
    const some = (n: number) => `${n} peer${n === 1 ? '' : 's'}`;
    if (stall.tries === 1) Object.assign(stall, { code: 'ASKING_PEERS', reason: `no block for ${Math.round(age / 1000)} s with ${some(peers.length)} connected: asking them for blocks` });
    void Promise.all(peers.map((p) => this.requestSync(p))).then(() => {
      if (this.#stall !== stall) return;
      if (this.chain.height > before) {
        // The peers had blocks that gossip did not bring: rejoin the topics, then reconnect.
        stall.found++;
        Object.assign(stall, { code: 'GOSSIP_SILENT', reason: `gossip brought no block; synced ${this.chain.height - before} from peers by request, and ${stall.found === 1 ? 'resubscribed to the topics' : 'reconnected to the peers'}` });
        if (stall.found === 1) this.peer.resubscribe();
        else void this.peer.reconnect();
      } else {
        Object.assign(stall, { code: 'NO_NEWER_BLOCK', reason: `none of ${some(peers.length)} has a newer block (the validators may be down)` });
      }
    });
  }

  /** The node's standing, for status bars (see Health). */
  get health(): Health {
    const ago = Math.round((Date.now() - this.lastBlockAt) / 1000);
    const peers = this.peer.connections().length;
    if (peers === 0) return { state: 'offline', code: 'NO_PEERS', reason: 'no peer connected', lastBlockAgoSeconds: ago, peers };
    const stall = this.#stall;
    if (stall || ago * 1000 >= STALL_INTERVALS * this.settings.blockTimeMs) {
      const gossipAgo = Math.round((Date.now() - this.#gossipAt) / 1000);
      return { state: 'stalled', code: stall?.code ?? 'ASKING_PEERS', reason: `no block by gossip for ${gossipAgo} s: ${stall?.reason || 'asking the peers for blocks'}`, lastBlockAgoSeconds: ago, peers };
    }
    const p = this.progress;
    if (p.syncing || p.best > p.height) return { state: 'syncing', lastBlockAgoSeconds: ago, peers };
    return { state: 'synced', lastBlockAgoSeconds: ago, peers };
  }

  /** A block came by gossip or was made here: the chain is followed again (a stall, if any, is over). */
  #followed(): void {
    this.#gossipAt = Date.now();
    this.#stall = null;
  }

  /** An announcement: a Node peer's addresses go into the book; a browser's are remembered (most recent 64) when we want browsers. */
  #heard(data: Uint8Array): void {
    const { peer: id, addresses, inbox, direct } = decodeAnnouncement(data);
    if (id === this.peer.id) return;
    if (direct) {
      if (!this.peer.isBanned(id)) this.book.add(id, addresses);
      return;
    }
    if (this.#browserPeers === 0) return;
    this.#announced.delete(id);
    setBounded(this.#announced, id, { address: addresses[0], inbox }, 64);
    void this.#dialBrowser();
  }

  /** While fewer than wanted browsers are connected over WebRTC, dials one announced peer (again every few seconds). */
  async #dialBrowser(): Promise<void> {
    if (this.#dialingBrowser || this.peer.webRtcConnections().length >= this.#browserPeers) return;
    const connected = new Set(this.peer.webRtcConnections());
    const next = [...this.#announced].find(([id]) => !connected.has(id) && !this.peer.isBanned(id));
    if (!next) return;
    this.#dialingBrowser = true;
    try {
      await this.peer.dial(next[1].address);
    } catch {
      // gone, or not reachable now: it goes to the back of the list
      this.#announced.delete(next[0]);
      this.#announced.set(next[0], next[1]);
    } finally {
      this.#dialingBrowser = false;
    }
  }

  /**
   * Takes contract offers for these accounts (script hashes; at most MAX_INBOX_TAGS), announced
   * at once; none stops taking them. Browser peers only.
   */
  setInbox(scriptHashes: readonly Uint8Array[]): void {
    this.#inbox = scriptHashes.slice(0, MAX_INBOX_TAGS);
    this.#announceSelf();
  }

  /** Calls `listener` with each offer received; it says whether it took it (a text that is no offer: false). */
  onOffer(listener: (text: string, from: string) => boolean): void {
    this.#offerListeners.push(listener);
  }

  /**
   * Sends an offer to the browser peer that takes offers for `scriptHash`, straight over a
   * stream (offers.ts); OFFER_RECIPIENT_NOT_FOUND when no announced peer does.
   */
  async sendOffer(scriptHash: Uint8Array, text: string): Promise<void> {
    // The most recently heard first: a reloaded page is a new peer, its old id gone quiet.
    const found = [...this.#announced].reverse().filter(([id, a]) => a.inbox.includes(inboxTag(scriptHash, id)));
    let failure: unknown = offerError('OFFER_RECIPIENT_NOT_FOUND', 'no browser peer online takes offers for this account', { peers: this.#announced.size });
    for (const [id, { address }] of found) {
      try {
        return await sendOffer(this.peer, this.settings.magic, id, address, text);
      } catch (e) {
        failure = e instanceof ProtocolError && e.code === 'OFFER_REFUSED' ? e : offerError('OFFER_RECIPIENT_NOT_FOUND', `the peer that took offers for this account cannot be reached (${(e as Error).message})`, { peer: id });
      }
    }
    throw failure;
  }

  /** The exchange agents heard of (their latest signed announcements), most recent first. */
  agents(): AgentAnnouncement[] {
    return [...this.#agents.values()].sort((a, b) => b.at - a.at).map((a) => a.announcement);
  }

  /** Calls `listener` with each agent announcement heard (and checked). */
  onAgent(listener: (a: AgentAnnouncement) => void): void {
    this.#agentListeners.push(listener);
  }

  /** Publishes an agent's signed announcement (the agent's own node), and keeps it as heard. */
  async announceAgent(bytes: Uint8Array): Promise<void> {
    const a = await readAnnouncement(bytes, this.settings.magic);
    setBounded(this.#agents, bytesToHex(a.publicKey), { announcement: a, bytes, at: Date.now() }, MAX_AGENTS);
    await this.peer.publish(this.peer.topics.agents, bytes).catch(() => {});
  }

  /** Calls `listener` after each change of the tip; returns what stops it. */
  onTip(listener: () => void): () => void {
    this.#tipListeners.push(listener);
    return () => {
      const i = this.#tipListeners.indexOf(listener);
      if (i >= 0) this.#tipListeners.splice(i, 1);
    };
  }

  #tipChanged(): void {
    this.lastBlockAt = Date.now();
    // Gossip again what was submitted here and has waited two blocks (what came by gossip, ten):
    // a peer may have missed it (a dropped connection, a batch it was too busy to take); peers
    // that hold it drop the copy for the cost of a hash (`Mempool.knows`).
    // Rotated by height, so that the batches differ from the last announcement's (gossip drops a
    // message it has seen recently, and a batch's id is its content's hash).
    const stale = this.mempool.stale(2 * this.settings.blockTimeMs, REANNOUNCE_MAX);
    const turn = stale.length ? (this.chain.height * 97) % stale.length : 0;
    for (const bytes of [...stale.slice(turn), ...stale.slice(0, turn)]) this.#announce(bytes);
    for (const l of this.#tipListeners) l();
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }

  /**
   * A gossiped batch: each transaction goes to the mempool. A malformed batch, or a transaction
   * that breaks a rule whatever the state, is the sender's fault (it should have checked before
   * forwarding); a batch that brought something new is forwarded.
   */
  async #onTransaction(data: Uint8Array): Promise<Verdict> {
    let batch: ReturnType<typeof decodeTransactionBatch>;
    try {
      batch = decodeTransactionBatch(data);
    } catch (e) {
      return verdictOf(e);
    }
    // Copies of what this node holds (a peer announcing again what it still waits for) are
    // dropped for the cost of a hash, the one the pool then keys the others by: no rule, no error.
    const fresh = batch.map((item) => ({ ...item, hash: messageHash(item.message) })).filter((item) => !this.mempool.knows(item.hash));
    const results = await Promise.allSettled(fresh.map((item) => this.mempool.add(item)));
    let added = false;
    for (const r of results) {
      if (r.status === 'fulfilled') added = true;
      else {
        const verdict = verdictOf(r.reason);
        if (verdict !== 'ignore') return verdict;
      }
    }
    return added ? 'accept' : 'ignore';
  }

  /** Queues an accepted transaction for the next gossip batch. */
  #announce(bytes: Uint8Array): void {
    this.#outgoing.push(bytes);
    if (this.#outgoing.length >= BATCH_SIZE) this.#flush();
    else this.#flushTimer ??= setTimeout(() => this.#flush(), BATCH_MS);
  }

  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const out = this.#outgoing;
    this.#outgoing = [];
    for (let i = 0; i < out.length; i += BATCH_SIZE) {
      void this.peer.publish(this.peer.topics.transactions, encodeTransactionBatch(out.slice(i, i + BATCH_SIZE))).catch(() => {});
    }
  }

  /**
   * A gossiped block. The next one is applied (and forwarded once it is); one further ahead is a
   * claim that this node is behind, checked before anything is done about it: when its witness is
   * our validators' script, its signatures must verify (else its sender is banned) and the node
   * syncs from the sender; when it is another script (an election since our tip, or a forgery),
   * it cannot be judged here: ignored, with a little penalty, and a stalled chain is noticed anyway.
   */
  async #onBlock(data: Uint8Array, from: string): Promise<Verdict> {
    // Every validator publishes the block it made: a copy of a block this node holds, or is
    // applying, is known by its header's hash and not decoded again (a thousand transactions).
    const hash = blockHashOfBytes(data);
    if (hash && this.#recentBlocks.has(bytesToHex(hash))) return 'ignore';
    let received: ReturnType<typeof decodeBlockWithMessages>;
    try {
      received = decodeBlockWithMessages(data);
    } catch (e) {
      return verdictOf(e);
    }
    const height = received.block.height;
    if (height <= this.chain.height) return 'ignore'; // we have it
    if (height > this.chain.height + 1) {
      const expected = nextMinerOf(this.chain.ledger.nextValidators());
      if (!equalBytes(scriptHash(received.block.witness.verification), expected)) {
        void this.peer.penalize(from, PENALTY.unverifiable, `a block at height ${height}, ahead of ours, that our validators did not sign`);
        return 'ignore';
      }
      try {
        await verifyHeaderSignatures(received.block);
      } catch (e) {
        return verdictOf(e);
      }
      if (height > this.#best) {
        this.#best = height;
        this.#progressChanged();
      }
      this.requestSync(from); // we are behind: catch up from the sender
      return 'ignore';
    }
    return this.#serial(async () => {
      if (height !== this.chain.height + 1) return 'ignore' as Verdict;
      try {
        await this.#apply(received.block, received.messages, data, hash);
        this.#followed();
        return 'accept' as Verdict;
      } catch (e) {
        return verdictOf(e);
      }
    });
  }

  /**
   * Applies a decoded block (its bytes as received) and updates the mempool. `hash`: its header's
   * hash when the caller read it from the bytes already (`blockHashOfBytes`).
   */
  async #apply(block: Block, messages: Uint8Array[], bytes: Uint8Array, hash: Uint8Array = blockHash(block)): Promise<void> {
    // Remembered while it is applied (a copy then is ignored), forgotten if it fails: a body
    // that does not match its header must not hide the block that does.
    const id = bytesToHex(hash);
    addBounded(this.#recentBlocks, id, RECENT_BLOCKS);
    // Signatures the pool already verified (the same bytes) are not checked twice.
    const ledger = this.chain.ledger;
    // A chain in this thread takes the signature checks, less those the pool already did; one
    // in a worker verifies all there.
    const signatures = this.chain.inWorker ? undefined : Promise.all([
      verifyHeaderSignatures(block),
      ...block.transactions.slice(1).map((tx, i) => (this.mempool.holdsVerified(tx, messages[i + 1]) ? undefined : ledger.verifyTransactionWitnesses(tx, messages[i + 1]))),
    ]);
    signatures?.catch(() => {}); // reported by addBlock
    let delta: Delta;
    try {
      delta = await this.chain.addBlock(block, { messages, bytes, signatures });
    } catch (e) {
      this.#recentBlocks.delete(id);
      throw e;
    }
    this.mempool.afterBlock(ledger.spentIn(delta));
    this.#tipChanged();
  }

  /**
   * Asks for a sync from `remote` (a peer id), queued behind the one running (one at a time; a
   * peer already queued is not queued twice): a claim that it is ahead, or a stall.
   */
  requestSync(remote: string): Promise<{ height: number; error?: Error }> {
    const queued = this.#syncs.get(remote);
    if (queued) return queued;
    if (this.#syncs.size >= MAX_QUEUED_SYNCS || this.#stopped) return Promise.resolve({ height: this.chain.height });
    return this.syncFrom(remote);
  }

  /**
   * Catches up with `remote` (a peer id), after the syncs queued before it. Blocks are asked for
   * outside the queue of chain work and applied in it, a range at a time, so that gossiped blocks
   * keep being applied meanwhile; a remote that sends a bad block is banned, one that does not
   * answer in time is penalised and the sync ends (PEER_TIMEOUT in `error`).
   */
  syncFrom(remote: string): Promise<{ height: number; error?: Error }> {
    const run = this.#syncChain.then(async () => {
      if (this.#stopped || this.peer.isBanned(remote)) return { height: this.chain.height };
      this.#syncing++;
      this.#progressChanged();
      try {
        return await syncFrom(this.peer, this.settings.magic, remote, this.chain, () => this.#progressChanged(), (work) => this.#serial(async () => {
          const before = this.chain.height;
          const result = await work();
          if (this.chain.height > before) {
            this.mempool.afterBlock();
            this.#tipChanged();
          }
          return result;
        }));
      } finally {
        this.#syncing--;
        this.#syncs.delete(remote);
        this.#progressChanged();
      }
    });
    this.#syncs.set(remote, run);
    this.#syncChain = run.catch(() => {});
    return run;
  }

  /** Where the node is in catching up. */
  get progress(): SyncProgress {
    return { height: this.chain.height, best: Math.max(this.#best, this.chain.height), syncing: this.#syncing > 0 };
  }

  /** Calls `listener` on each step of a sync (every block applied) and when one starts or ends. */
  onProgress(listener: (p: SyncProgress) => void): void {
    this.#progressListeners.push(listener);
  }

  #progressChanged(): void {
    if (this.#progressListeners.length === 0) return;
    const p = this.progress;
    for (const l of this.#progressListeners) l(p);
  }

  /** Checks a transaction, keeps it and gossips it (in the next batch). Throws the rule it breaks. */
  async submit(tx: Transaction | Uint8Array): Promise<Uint8Array> {
    if (this.mempool.size >= this.#maxPending) {
      throw poolError('MEMPOOL_BUSY', `${this.mempool.size} transactions are waiting for a block; try again in a few seconds`, { waiting: this.mempool.size });
    }
    const bytes = tx instanceof Uint8Array ? tx : encodeTransaction(tx);
    const hash = await this.mempool.add(bytes, { local: true });
    this.#announce(bytes);
    return hash;
  }

  /**
   * Applies a block made here (a validator's) and gossips it. `made`: the block `bytes` encode,
   * with its transactions' signed bytes, when the caller has them (spares decoding them again).
   */
  async publishBlock(bytes: Uint8Array, made?: { block: Block; messages: Uint8Array[] }): Promise<void> {
    await this.#serial(async () => {
      const { block, messages } = made ?? decodeBlockWithMessages(bytes);
      await this.#apply(block, messages, bytes);
      this.#followed();
    });
    await this.peer.publish(this.peer.topics.blocks, bytes);
  }

  get height(): number {
    return this.chain.height;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    this.#flush();
    await this.validator?.stop();
    await stopApart(this.peer); // first: nothing more comes in to queue work that writes
    await this.#syncChain; // ends at once: its requests fail with the peer stopped
    await this.#queue;
    if (this.book.takeChanged()) await saveBook(this.chain, this.book);
    await this.chain.close();
  }
}

/**
 * Stops `peer` from a task of its own. libp2p keeps some of the errors it makes while stopping
 * for up to half a second (a connection's close waits on a 500 ms timeout signal), and an error
 * holds its call stack with each frame's receiver until its stack is read: called from Node.stop,
 * that would be the Node, its chain and ledger. From a fresh task, no frame of the node is there.
 */
function stopApart(peer: Peer): Promise<void> {
  return new Promise((resolve, reject) => setTimeout(() => peer.stop().then(() => resolve(), (e: unknown) => reject(e)), 0)); // (not .then(resolve, reject): V8's async stack traces see through those)
}

/** The node's peer book, from its store when the chain is in this thread (a browser's lives in a worker: a new book). */
async function loadBook(chain: ChainLike): Promise<PeerBook> {
  if (!(chain instanceof Chain)) return new PeerBook();
  try {
    const bytes = await chain.store.get(PEER_BOOK_KEY);
    return bytes ? PeerBook.decode(bytes) : new PeerBook();
  } catch {
    return new PeerBook(); // an unreadable book is only a cache: start a new one
  }
}

function saveBook(chain: ChainLike, book: PeerBook): Promise<void> {
  if (!(chain instanceof Chain)) return Promise.resolve();
  return chain.store.batch([{ type: 'put', key: PEER_BOOK_KEY, value: book.encode() }]).catch(() => {});
}
