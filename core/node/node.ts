/**
 * A node: the chain on its store, the mempool, and a libp2p peer, joined. Transactions and blocks
 * that arrive by gossip go through every rule before they are forwarded; a peer that sends
 * something that breaks a rule regardless of the chain's state is disconnected, while what may
 * be an honest race (a transaction already spent, a block we already have) is only ignored.
 * Blocks are applied one at a time; a block ahead of the tip starts a sync from its sender.
 */
import { bytesToHex } from '../encoding/bytes.ts';
import { DecodeError, ProtocolError } from '../encoding/errors.ts';
import { decodeBlockWithMessages, type Block } from '../block/block.ts';
import { blockHash, blockHashOfBytes, verifyHeaderSignatures } from '../block/header.ts';
import type { Transaction } from '../tx/transaction.ts';
import { decodeTransactionBatch, encodeTransaction, encodeTransactionBatch, messageHash } from '../tx/transaction.ts';
import { Chain, type ChainLike } from '../state/chain.ts';
import type { NetworkSettings } from '../state/settings.ts';
import type { Delta } from '../state/tables.ts';
import type { KeyValueStore } from '../store/kv.ts';
import { Mempool, poolError } from '../mempool/mempool.ts';
import { Peer, type PeerOptions, type Verdict } from '../p2p/peer.ts';
import { serveBlocks, serveHeaders, serveTransactions, syncFrom } from '../p2p/sync.ts';
import { Validator, type ValidatorOptions } from './validator.ts';
import { openMessage } from '../consensus/messages.ts';
import { decodeAnnouncement, encodeAnnouncement } from '../p2p/discovery.ts';
import { MAX_INBOX_TAGS, inboxTag, offerError, sendOffer, serveOffers } from '../p2p/offers.ts';
import { addBounded, setBounded } from '../util/bounded.ts';

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

/** How often a node checks that it is connected to its bootstrap peers. */
const REDIAL_MS = 2000;

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
  /** Chain work (gossiped blocks, syncs) runs one at a time. */
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
  #redial: ReturnType<typeof setInterval> | undefined;
  #announcer: ReturnType<typeof setInterval> | undefined;
  #browserPeers = 0;
  /** Browser peers heard of: id -> a WebRTC address and the inbox tags of the accounts it takes offers for. */
  readonly #announced = new Map<string, { address: string; inbox: string[] }>();
  /** Accounts this browser peer takes offers for (script hashes), and who is told of an offer. */
  #inbox: Uint8Array[] = [];
  readonly #offerListeners: ((text: string, from: string) => boolean)[] = [];
  #announceSelf: () => void = () => {};
  #dialingBrowser = false;
  /** Connections to the bootstrap peers lost and dialled again (status). */
  reconnects = 0;
  #best = -1;
  /** Hashes (hex) of the last blocks applied here, or being applied: copies that arrive are ignored. */
  readonly #recentBlocks = new Set<string>();
  #syncing = 0;
  readonly #progressListeners: ((p: SyncProgress) => void)[] = [];

  private constructor(chain: ChainLike, peer: Peer, settings: NetworkSettings) {
    this.chain = chain;
    this.peer = peer;
    this.settings = settings;
    this.mempool = new Mempool(chain.ledger);
  }

  static async start(options: NodeOptions): Promise<Node> {
    const chain = 'ledger' in options.store ? options.store : await Chain.open(options.store, options.settings);
    const peer = await Peer.start({
      magic: options.settings.magic, listen: options.listen, announce: options.announce, relay: options.relay, privateKey: options.peerKey, transports: options.transports, allowLocalDials: options.allowLocalDials,
    });
    const node = new Node(chain, peer, options.settings);
    node.#maxPending = options.maxPending ?? node.#maxPending;
    await serveBlocks(peer, options.settings.magic, (h) => chain.blockBytes(h));
    await serveHeaders(peer, options.settings.magic, (h) => chain.blockBytes(h));
    await serveTransactions(peer, options.settings.magic, (hash) => node.validator?.lookup(hash) ?? node.mempool.bytesOf(hash));
    peer.subscribe(peer.topics.transactions, (data) => node.#onTransaction(data), () => {});
    peer.subscribe(peer.topics.blocks, (data, from) => node.#onBlock(data, from), () => {});
    node.#bootstrap = [...(options.bootstrap ?? [])];
    for (const address of node.#bootstrap) {
      try {
        await peer.dial(address);
      } catch {
        // not reachable now (offline, not started yet): dialled again below, every few seconds
      }
    }
    // A connection can drop (a busy peer misses keep-alives, a peer restarts): dial the bootstrap
    // peers again whenever we are not connected to them, so the node never stays cut off.
    node.#redial = setInterval(() => void node.#keepBootstrap(), REDIAL_MS);
    if (options.syncOnStart !== false) for (const remote of peer.connections()) await node.syncFrom(remote);
    else for (const remote of peer.connections()) void node.syncFrom(remote);
    // Every peer checks and forwards browser peers' announcements; browser peers also dial some.
    const wanted = options.browserPeers ?? 0;
    peer.subscribe(peer.topics.peers, (data) => {
      try {
        decodeAnnouncement(data);
        return 'accept';
      } catch (e) {
        return { reject: (e as Error).message };
      }
    }, (data) => {
      if (wanted > 0) node.#heard(data);
    });
    node.#browserPeers = wanted;
    if (wanted > 0) {
      node.#announceSelf = () => {
        const data = encodeAnnouncement(peer.addresses(), node.#inbox.map((h) => inboxTag(h, peer.id)));
        if (data) void peer.publish(peer.topics.peers, data).catch(() => {});
      };
      node.#announcer = setInterval(node.#announceSelf, ANNOUNCE_MS);
      for (const ms of [1000, 3000, 7000]) setTimeout(node.#announceSelf, ms); // soon after the relay reservation
      await serveOffers(peer, options.settings.magic, (text, from) => node.#offerListeners.some((listen) => listen(text, from)));
    }
    if (options.validator) {
      node.validator = new Validator(node, options.validator);
      await node.validator.start();
    } else {
      // Consensus messages cross peers that do not validate (the relay, wallets): they forward
      // what the next height's validators signed, and drop senders of anything else.
      peer.subscribe(peer.topics.consensus, (data, from) => node.#onConsensus(data, from), () => {});
    }
    return node;
  }

  async #onConsensus(data: Uint8Array, from: string): Promise<Verdict> {
    let opened: ReturnType<typeof openMessage>;
    try {
      opened = openMessage(this.settings.magic, data);
    } catch {
      return 'reject';
    }
    const next = this.chain.height + 1;
    const { height } = opened.message;
    if (height < next) return 'ignore';
    if (height > next + 1) {
      void this.syncFrom(from);
      return 'ignore';
    }
    if (height === next + 1) return 'accept'; // a validator a block ahead of us: we cannot judge it yet
    const refused = await opened.checkSender(this.chain.ledger.nextValidators()); // sorted by the election
    return refused === null ? 'accept' : { reject: refused };
  }

  async #keepBootstrap(): Promise<void> {
    if (this.#browserPeers > 0) void this.#dialBrowser();
    const connected = new Set(this.peer.connections());
    for (const address of this.#bootstrap) {
      const id = address.split('/p2p/')[1];
      if (!id || connected.has(id) || this.peer.isBanned(id)) continue;
      try {
        await this.peer.dial(address);
        this.reconnects++;
        void this.syncFrom(id); // what we missed while cut off
      } catch {
        // not there yet: next time
      }
    }
  }

  /** Remembers an announced browser peer (the most recent 64), and dials one if we want more. */
  #heard(data: Uint8Array): void {
    const { peer: id, addresses, inbox } = decodeAnnouncement(data);
    if (id === this.peer.id) return;
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

  /** Calls `listener` after each change of the tip. */
  onTip(listener: () => void): void {
    this.#tipListeners.push(listener);
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
    if (height > this.#best) {
      this.#best = height;
      this.#progressChanged();
    }
    if (height > this.chain.height + 1) {
      void this.syncFrom(from); // we are behind: catch up from the sender
      return 'ignore';
    }
    return this.#serial(async () => {
      if (height !== this.chain.height + 1) return 'ignore' as Verdict;
      try {
        await this.#apply(received.block, received.messages, data, hash);
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

  /** Catches up with `remote` (a peer id); a remote that sends a bad block is disconnected. */
  syncFrom(remote: string): Promise<{ height: number; error?: Error }> {
    return this.#serial(async () => {
      const before = this.chain.height;
      this.#syncing++;
      this.#progressChanged();
      try {
        const result = await syncFrom(this.peer, this.settings.magic, remote, this.chain, () => this.#progressChanged());
        if (this.chain.height > before) {
          this.mempool.afterBlock();
          this.#tipChanged();
        }
        return result;
      } finally {
        this.#syncing--;
        this.#progressChanged();
      }
    });
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
    });
    await this.peer.publish(this.peer.topics.blocks, bytes);
  }

  get height(): number {
    return this.chain.height;
  }

  async stop(): Promise<void> {
    clearInterval(this.#redial);
    clearInterval(this.#announcer);
    this.#flush();
    await this.validator?.stop();
    await this.#queue;
    await this.peer.stop();
    await this.chain.close();
  }
}
