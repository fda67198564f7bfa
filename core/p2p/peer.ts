/**
 * A libp2p peer of the network (docs/protocol.md, "Network"; ../shared/docs/browser-p2p.md for
 * the versions and settings that work here): WebSockets, noise, yamux, identify, ping, gossipsub
 * for transactions, blocks and consensus messages. Every gossip topic has a validator: a message
 * it rejects is not delivered nor forwarded, and the peer that sent it is disconnected and
 * refused for a while. Each peer has a rate limit per topic; messages over it are dropped and
 * lower the peer's score, and a peer whose score falls to BAN_SCORE is disconnected and refused.
 * Request/response protocols (sync.ts, offers.ts) go through `serve` and `request`: a rate limit
 * per peer and protocol, a deadline on every request served and asked, and a penalty for a peer
 * that is slow, floods or answers garbage. Scores recover with time and quiet peers are forgotten.
 * Browser-only transports (WebRTC, the circuit relay) are added by the browser entry point.
 */
import { createLibp2p, type Libp2p, type Libp2pInit } from 'libp2p';
import type { Libp2pEvents, PrivateKey } from '@libp2p/interface';
import type { Message } from '@libp2p/gossipsub';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { webSockets } from '@libp2p/websockets';
import { noise, type ICryptoInterface } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { gossipsub, TopicValidatorResult } from '@libp2p/gossipsub';
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import { lpStream } from '@libp2p/utils';
import { deadline, withDeadline } from './deadline.ts';
import { DecodeError, ProtocolError } from '../encoding/errors.ts';

/** The gossip topics of a network (its magic keeps networks apart). */
export function topicsOf(magic: number) {
  const net = magic.toString(16).padStart(8, '0');
  return {
    transactions: `/antshares/${net}/tx/1`,
    blocks: `/antshares/${net}/block/1`,
    consensus: `/antshares/${net}/consensus/1`,
    /** Browser peers announcing the WebRTC addresses (through a relay) where others can reach them. */
    peers: `/antshares/${net}/peers/1`,
    /** Exchange agents announcing themselves, signed (core/exchange/announce.ts). */
    agents: `/antshares/${net}/agents/1`,
  } as const;
}

/**
 * What a topic's validator answers: deliver and forward, drop quietly, or drop and punish the
 * sender (`{ reject: reason }` says why, for the ban record).
 */
export type Verdict = 'accept' | 'ignore' | 'reject' | { reject: string };

/** Largest gossip message, in bytes: a full block of the protocol's size fits. */
export const MAX_GOSSIP_MESSAGE = 4 << 20;

/**
 * Largest message on each topic: a block, a batch of transactions, a deal proposing the most
 * transactions (32 bytes each) with its shares, an announcement.
 */
const MAX_TOPIC_MESSAGE: Record<keyof ReturnType<typeof topicsOf>, number> = {
  transactions: MAX_GOSSIP_MESSAGE, blocks: MAX_GOSSIP_MESSAGE, consensus: MAX_GOSSIP_MESSAGE, peers: 4096, agents: 8192,
};

/**
 * Requests a peer may have open at once on each request protocol (a peer needs one or two): more
 * are refused and penalised here, below libp2p's own cap on streams (past which it refuses
 * without telling us, so that a flood would cost its sender nothing).
 */
const MAX_CONCURRENT_REQUESTS = 4;
const MAX_INBOUND_STREAMS = 64;

/** A token bucket: `perSecond` messages on average, `burst` at once. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * Messages each peer may send per topic before the excess is dropped and counted against it.
 * Transactions allow the network's target rate several times over; blocks and consensus
 * messages come a few per second from honest peers.
 */
export const DEFAULT_RATE_LIMITS = {
  transactions: { perSecond: 5_000, burst: 20_000 },
  blocks: { perSecond: 20, burst: 200 },
  consensus: { perSecond: 500, burst: 2_000 },
  peers: { perSecond: 5, burst: 50 },
  agents: { perSecond: 2, burst: 20 },
  // Requests a peer may make of each request/response protocol (sync.ts, offers.ts): a node
  // syncing asks a range of blocks at a time, a validator a deal's transactions.
  blockRequests: { perSecond: 10, burst: 40 },
  headerRequests: { perSecond: 10, burst: 40 },
  txRequests: { perSecond: 50, burst: 200 },
  offers: { perSecond: 1, burst: 10 },
  // Orders and cancels placed with an agent by one peer (a wallet places one at a time; a relay
  // forwarding many clients' orders is not how orders travel: each wallet dials the agent).
  orders: { perSecond: 20, burst: 100 },
  books: { perSecond: 2, burst: 10 },
} satisfies Record<string, RateLimit>;

/** What a peer's messages and requests are counted against. */
export type Limited = keyof typeof DEFAULT_RATE_LIMITS;

/** Score at which a peer is disconnected and refused for BAN_MS. */
export const BAN_SCORE = -100;
export const BAN_MS = 10 * 60_000;

/**
 * What each kind of fault costs a peer's score (0 is good, BAN_SCORE bans). An invalid message
 * (garbage, a bad signature, a broken rule) bans at once; a claim that cannot be checked yet, a
 * request over the rate or a peer too slow to answer cost a little, and the score recovers by
 * SCORE_RECOVERY_PER_S points a second, so that an honest peer's bad moment is forgotten.
 */
export const PENALTY = { invalid: -BAN_SCORE, slow: 20, unverifiable: 10, excess: 5 } as const;
export const SCORE_RECOVERY_PER_S = 1;
/** A peer unheard of this long is forgotten (its score and its rate buckets). */
const FORGET_MS = 5 * 60_000;
/** Most bans remembered for status views. */
const BANS_KEPT = 32;

/** How long serving one request may take (reading it, and the other side reading the answer). */
export const SERVE_DEADLINE_MS = 20_000;
/** How long a peer has to answer a request of ours, by default, and to send each message of it. */
export const REQUEST_DEADLINE_MS = 10_000;
export const REQUEST_IDLE_MS = 5_000;
/** How long a dial may take. */
export const DIAL_DEADLINE_MS = 5_000;

/**
 * How much a stream may hold unread: a whole message of the largest size and the start of the
 * next (libp2p's default, 4 MiB, overflowed on a block of 4 MiB followed by anything).
 */
function readBufferFor(maxMessageBytes: number): number {
  return Math.max(4 << 20, 2 * maxMessageBytes + (64 << 10));
}

/** A message over the stream's limit is the sender's fault: a DecodeError (which bans it), not a stream error. */
function tooLong(e: unknown): never {
  if (e instanceof Error && e.name.startsWith('InvalidDataLength')) throw new DecodeError('Message', `longer than asked for (${e.message})`);
  throw e;
}

/** Length-prefixed messages of one request/response stream, with its deadlines applied. */
export interface MessageIO {
  read(): Promise<Uint8Array>;
  write(bytes: Uint8Array): Promise<void>;
}

export interface PeerOptions {
  readonly magic: number;
  /** Addresses to listen on (Node), e.g. `/ip4/127.0.0.1/tcp/0/ws`; a browser: `/p2p-circuit`, `/webrtc`. */
  readonly listen?: readonly string[];
  /**
   * Addresses other peers should dial to reach this one, when they are not the listening ones (a
   * host behind a forwarded port or a proxy); by default the listening addresses.
   */
  readonly announce?: readonly string[];
  /** Transports beside WebSockets (a browser adds WebRTC and the circuit relay: see browser.ts). */
  readonly transports?: NonNullable<Libp2pInit['transports']>;
  /** Run a circuit relay for browsers (Node peers of the local network). */
  readonly relay?: boolean;
  /**
   * Allow dialling loopback and private addresses and plain ws:// (a browser's default gater
   * refuses them): for a local network only.
   */
  readonly allowLocalDials?: boolean;
  /** The peer's identity (a new one each start by default; a relay keeps its own so its address stays the same). */
  readonly privateKey?: PrivateKey;
  /**
   * Noise's key agreement and ciphers (default: noise's own, on noble). A browser passes one that
   * takes its X25519 keys from WebCrypto (src/peer/noise-crypto.ts): the same keys, without the
   * first key's table building on the page's thread.
   */
  readonly noiseCrypto?: ICryptoInterface;
  /** Per-topic limits of each remote peer (default DEFAULT_RATE_LIMITS). */
  readonly rateLimits?: Partial<typeof DEFAULT_RATE_LIMITS>;
}

type Services = { identify: ReturnType<ReturnType<typeof identify>>; ping: ReturnType<ReturnType<typeof ping>>; pubsub: ReturnType<ReturnType<typeof gossipsub>> };

export class Peer {
  readonly node: Libp2p<Services>;
  readonly topics: ReturnType<typeof topicsOf>;
  readonly #limits: typeof DEFAULT_RATE_LIMITS;
  /** Peer id -> score (0 is good; BAN_SCORE or below: banned) and when it was last changed. */
  readonly #scores = new Map<string, { score: number; at: number }>();
  readonly #banned: Map<string, number>;
  /** `${peer} ${kind}` -> bucket. */
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #sweptAt = Date.now();
  /** Listeners this peer's users put on libp2p's events, taken off again by stop(). */
  readonly #events: (() => void)[] = [];
  /** The handlers of the protocols this peer serves, forgotten by stop(). */
  readonly #handlers = new Map<string, (io: MessageIO, from: string) => Promise<void>>();
  /** Requests being served, by `${peer} ${kind}`. */
  readonly #serving = new Map<string, number>();
  /** Bans by peer: why the last, when, and how many times (status views). */
  readonly #bans = new Map<string, { peer: string; reason: string; at: string; count: number }>();

  private constructor(node: Libp2p<Services>, magic: number, limits: typeof DEFAULT_RATE_LIMITS, banned: Map<string, number>) {
    this.node = node;
    this.topics = topicsOf(magic);
    this.#limits = limits;
    this.#banned = banned;
  }

  /** True while `peer` is refused. */
  isBanned(peer: string, now = Date.now()): boolean {
    const until = this.#banned.get(peer);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#banned.delete(peer);
    return false;
  }

  /** The peers banned lately, each once with how often (newest last): who, why, when. */
  get bans(): { peer: string; reason: string; at: string; count: number }[] {
    return [...this.#bans.values()];
  }

  /** A peer's score now (0 for one unheard of): penalties less what time has healed. */
  score(peer: string, now = Date.now()): number {
    const s = this.#scores.get(peer);
    return s ? Math.min(0, s.score + ((now - s.at) / 1000) * SCORE_RECOVERY_PER_S) : 0;
  }

  /** Lowers a peer's score; at BAN_SCORE it is disconnected (resolves when it is) and refused for BAN_MS. */
  async penalize(peer: string, points: number, reason = 'misbehaviour'): Promise<void> {
    const now = Date.now();
    this.#sweep(now);
    if (this.isBanned(peer, now)) return; // one ban, counted once, until it ends
    const score = this.score(peer, now) - points;
    this.#scores.set(peer, { score, at: now });
    if (score <= BAN_SCORE) {
      this.#scores.delete(peer);
      this.#banned.set(peer, now + BAN_MS);
      const known = this.#bans.get(peer);
      this.#bans.delete(peer);
      this.#bans.set(peer, { peer, reason, at: new Date(now).toISOString(), count: (known?.count ?? 0) + 1 });
      if (this.#bans.size > BANS_KEPT) this.#bans.delete(this.#bans.keys().next().value!);
      const remote = this.node.getConnections().find((c) => c.remotePeer.toString() === peer)?.remotePeer;
      if (remote) await this.node.hangUp(remote).catch(() => {});
    }
  }

  /** Forgets the scores and rate buckets of peers quiet for FORGET_MS, and ended bans (once a minute at most). */
  #sweep(now: number): void {
    if (now - this.#sweptAt < 60_000) return;
    this.#sweptAt = now;
    for (const [peer, s] of this.#scores) if (now - s.at > FORGET_MS || this.score(peer, now) === 0) this.#scores.delete(peer);
    for (const [key, b] of this.#buckets) if (now - b.at > FORGET_MS) this.#buckets.delete(key);
    for (const [peer, until] of this.#banned) if (until <= now) this.#banned.delete(peer);
  }

  /** Takes a token from the peer's bucket for `kind`; false when it is empty. */
  admit(peer: string, kind: Limited): boolean {
    const limit = this.#limits[kind];
    const key = `${peer} ${kind}`;
    const now = Date.now();
    this.#sweep(now);
    const b = this.#buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.perSecond);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Peers with a score or a rate bucket held in memory (tests: quiet peers are forgotten). */
  get remembered(): number {
    return new Set([...this.#scores.keys(), ...[...this.#buckets.keys()].map((k) => k.split(' ')[0])]).size;
  }

  /**
   * Serves a request/response protocol: `handler` reads the request and writes the answer
   * through `io` (length-prefixed messages, each read at most `maxRequestBytes`), all within
   * SERVE_DEADLINE_MS. A peer over its rate for `kind` is refused unread and penalised; a request
   * that is not one (`handler` throws a DecodeError) bans its sender; a peer that does not send
   * its request, or does not read the answer, in time is penalised as slow.
   */
  async serve(protocol: string, kind: Limited, maxRequestBytes: number, handler: (io: MessageIO, from: string) => Promise<void>, options: { runOnLimitedConnection?: boolean } = {}): Promise<void> {
    this.#handlers.set(protocol, handler);
    await this.node.handle(protocol, async (stream, connection) => {
      const handler = this.#handlers.get(protocol);
      if (!handler) return stream.abort(new Error('stopped'));
      const from = connection.remotePeer.toString();
      const key = `${from} ${kind}`;
      const open = this.#serving.get(key) ?? 0;
      if (this.isBanned(from) || open >= MAX_CONCURRENT_REQUESTS || !this.admit(from, kind)) {
        if (!this.isBanned(from)) void this.penalize(from, PENALTY.excess, `over the rate limit of ${kind}`);
        stream.abort(new Error('refused'));
        return;
      }
      this.#serving.set(key, open + 1);
      const { signal, clear } = deadline(SERVE_DEADLINE_MS);
      const lp = lpStream(stream, { maxDataLength: maxRequestBytes, maxBufferSize: readBufferFor(maxRequestBytes) });
      try {
        await handler({ read: async () => (await lp.read({ signal }).catch(tooLong)).subarray(), write: (bytes) => lp.write(bytes, { signal }) }, from);
        await stream.close({ signal });
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)));
        if (e instanceof DecodeError) void this.penalize(from, PENALTY.invalid, `a malformed request of ${kind}: ${e.message}`);
        else if (signal.aborted) void this.penalize(from, PENALTY.slow, `a request of ${kind} not finished in ${SERVE_DEADLINE_MS / 1000} s`);
      } finally {
        clear();
        const left = (this.#serving.get(key) ?? 1) - 1;
        if (left > 0) this.#serving.set(key, left);
        else this.#serving.delete(key);
      }
    }, { maxInboundStreams: MAX_INBOUND_STREAMS, ...options });
  }

  /** Stops serving `protocol` (a service on the peer that stops before the peer does: an exchange agent). */
  async unserve(protocol: string): Promise<void> {
    this.#handlers.delete(protocol);
    await this.node.unhandle(protocol);
  }

  /**
   * Asks `remote` over `protocol`: `exchange` writes the request and reads the answer through
   * `io` (each message at most `maxMessageBytes`). The whole exchange has `deadlineMs`, and each
   * read `idleMs` (a peer must keep answering, not only start). A peer that misses either is
   * penalised as slow and the request fails with PEER_TIMEOUT; an answer that is not one
   * (`exchange` throws a DecodeError) bans the peer, and the DecodeError is thrown.
   */
  async request<T>(remote: string, protocol: string, maxMessageBytes: number, exchange: (io: MessageIO) => Promise<T>, options: { deadlineMs?: number; idleMs?: number; runOnLimitedConnection?: boolean } = {}): Promise<T> {
    const deadlineMs = options.deadlineMs ?? REQUEST_DEADLINE_MS;
    const idleMs = Math.min(deadlineMs, options.idleMs ?? REQUEST_IDLE_MS);
    const started = Date.now();
    const overall = deadline(deadlineMs);
    let late = false;
    // Each step waits at most idleMs and never past the overall deadline.
    const step = async <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      const d = deadline(Math.max(0, Math.min(idleMs, deadlineMs - (Date.now() - started))));
      try {
        return await work(d.signal);
      } catch (e) {
        if (d.signal.aborted || overall.signal.aborted) late = true;
        throw e;
      } finally {
        d.clear();
      }
    };
    let stream: Awaited<ReturnType<Libp2p['dialProtocol']>> | undefined;
    try {
      stream = await step((signal) => this.node.dialProtocol(peerIdFromString(remote), protocol, { signal, runOnLimitedConnection: options.runOnLimitedConnection }));
      const lp = lpStream(stream, { maxDataLength: maxMessageBytes, maxBufferSize: readBufferFor(maxMessageBytes) });
      const result = await exchange({
        read: () => step(async (signal) => (await lp.read({ signal }).catch(tooLong)).subarray()),
        write: async (bytes) => {
          try {
            await lp.write(bytes, { signal: overall.signal });
          } catch (e) {
            if (overall.signal.aborted) late = true;
            throw e;
          }
        },
      });
      await stream.close({ signal: overall.signal }).catch(() => {});
      return result;
    } catch (e) {
      stream?.abort(e instanceof Error ? e : new Error(String(e)));
      if (e instanceof DecodeError) {
        void this.penalize(remote, PENALTY.invalid, `a malformed answer on ${protocol}: ${e.message}`);
        throw e;
      }
      if (late) {
        void this.penalize(remote, PENALTY.slow, `no answer on ${protocol} in time`);
        throw new ProtocolError('PEER_TIMEOUT', `peer ${remote} did not answer in time (${idleMs / 1000} s a message, ${deadlineMs / 1000} s in all)`, { peer: remote, protocol });
      }
      throw e;
    } finally {
      overall.clear();
    }
  }

  /** Starts a peer. */
  static async start(options: PeerOptions): Promise<Peer> {
    const banned = new Map<string, number>();
    const refused = (peerId: { toString(): string }) => {
      const until = banned.get(peerId.toString());
      return until !== undefined && until > Date.now();
    };
    const node = await createLibp2p({
      privateKey: options.privateKey,
      addresses: { listen: [...(options.listen ?? [])], ...(options.announce?.length ? { announce: [...options.announce] } : {}) },
      transports: [webSockets(), ...(options.transports ?? [])],
      connectionEncrypters: [noise(options.noiseCrypto ? { crypto: options.noiseCrypto } : {})],
      // A peer busy validating a block answers pings late: judge a connection dead only after
      // 30 s without an answer (a closed socket is seen at once anyway), not libp2p's few seconds.
      connectionMonitor: { pingTimeout: { minTimeout: 30_000, maxTimeout: 60_000 } },
      streamMuxers: [yamux()],
      connectionGater: {
        ...(options.allowLocalDials ? { denyDialMultiaddr: () => false } : {}),
        denyDialPeer: refused,
        denyInboundEncryptedConnection: refused,
        denyOutboundEncryptedConnection: refused,
      },
      services: {
        identify: identify(),
        ping: ping(),
        // Unsigned, content-addressed gossip: every payload carries its own signatures (transactions,
        // blocks, consensus envelopes), so a libp2p signature per message would only cost an Ed25519
        // signing on publish and a verification on each receipt (most of a busy peer's gossip time).
        // seenTTL: a message id is remembered for 10 s, not gossipsub's 2 minutes. Ids are the
        // content's hash, and gossipsub refuses to publish a remembered one: a transaction batch
        // published while no peer listened (a link being redialled) could not be sent again for 2
        // minutes, which the network benchmark showed as 256 transfers stuck for 120 s.
        // Gossipsub's own scoring is left to its behavioural part: the topic validators above
        // judge every message and ban through the connection gater. Its IP colocation penalty
        // is off: it lowers every peer of an address with more than 10 peers, and identities
        // are free, so one hostile host making peers on our address (all of a devnet is on
        // 127.0.0.1; browsers share their NAT's address) graylisted the honest ones with it and
        // the node stopped hearing gossip for an hour (issue 15: the relay froze after bursts).
        pubsub: gossipsub({
          allowPublishToZeroTopicPeers: true, emitSelf: false, maxInboundDataLength: MAX_GOSSIP_MESSAGE, globalSignaturePolicy: 'StrictNoSign', seenTTL: 10_000,
          scoreParams: { IPColocationFactorWeight: 0, retainScore: 60_000 },
        }),
        ...(options.relay ? { relay: circuitRelayServer() } : {}),
      },
    });
    const peer = new Peer(node as Libp2p<Services>, options.magic, { ...DEFAULT_RATE_LIMITS, ...options.rateLimits }, banned);
    peer.#checkGossipFrames();
    return peer;
  }

  /**
   * Gossipsub reads each peer's stream of RPC frames and only logs a frame over its size limit
   * or one that is not an RPC: the sender would pay nothing for sending 10 MB or garbage. Each
   * frame is checked here as it arrives (decoding an RPC references its bytes, it copies none), and
   * such a sender is banned. (Gossipsub's read loop, `pipePeerReadStream`, is the documented place
   * it hands a peer's frames over; it is wrapped, not changed.)
   */
  #checkGossipFrames(): void {
    const gs = this.node.services.pubsub as unknown as {
      pipePeerReadStream(peerId: { toString(): string }, source: AsyncIterable<{ subarray(): Uint8Array }>): Promise<void>;
      decodeRpc(bytes: Uint8Array): unknown;
    };
    const read = gs.pipePeerReadStream.bind(gs);
    const penalize = (from: string, reason: string) => void this.penalize(from, PENALTY.invalid, reason);
    gs.pipePeerReadStream = (peerId, source) => read(peerId, (async function* checked() {
      const from = peerId.toString();
      try {
        for await (const frame of source) {
          try {
            gs.decodeRpc(frame.subarray());
          } catch (e) {
            penalize(from, `a gossip frame that is not a gossipsub message (${(e as Error).message})`);
            return;
          }
          yield frame;
        }
      } catch (e) {
        if ((e as Error).name?.startsWith('InvalidDataLength')) penalize(from, `a gossip frame over ${MAX_GOSSIP_MESSAGE} bytes`);
        throw e;
      }
    })());
  }

  /** Listens to one of libp2p's events until this peer stops. */
  on<K extends keyof Libp2pEvents>(type: K, listener: (evt: Libp2pEvents[K]) => void): void {
    this.node.addEventListener(type, listener);
    this.#events.push(() => this.node.removeEventListener(type, listener));
  }

  /** Addresses other peers can dial. */
  addresses(): string[] {
    return this.node.getMultiaddrs().map((a) => a.toString());
  }

  /** Dials `address`, giving up after `timeoutMs`. */
  async dial(address: string, timeoutMs = DIAL_DEADLINE_MS): Promise<void> {
    await withDeadline(timeoutMs, (signal) => this.node.dial(multiaddr(address), { signal }));
  }

  /** Leaves every topic and joins it again (gossip's mesh is built anew): for a node that stopped hearing gossip. */
  resubscribe(): void {
    const pubsub = this.node.services.pubsub;
    for (const topic of pubsub.getTopics()) {
      pubsub.unsubscribe(topic);
      pubsub.subscribe(topic);
    }
  }

  /** Closes every connection (the node dials its peers again): the last resort of a node that stopped hearing gossip. */
  async reconnect(): Promise<void> {
    await Promise.all(this.node.getConnections().map((c) => c.close().catch(() => c.abort(new Error('reconnecting')))));
  }

  /**
   * Subscribes to `topic`: `validate` judges each message (its bytes) before anything else sees
   * it; accepted messages go to `onMessage`. A rejected one disconnects its sender.
   */
  subscribe(topic: string, validate: (data: Uint8Array, from: string) => Verdict | Promise<Verdict>, onMessage: (data: Uint8Array, from: string) => void): void {
    const pubsub = this.node.services.pubsub;
    const kind = (Object.keys(this.topics) as (keyof ReturnType<typeof topicsOf>)[]).find((k) => this.topics[k] === topic);
    pubsub.topicValidators.set(topic, async (peer, message) => {
      const from = peer.toString();
      if (kind && !this.admit(from, kind)) {
        void this.penalize(from, PENALTY.excess, `over the rate limit of ${kind}`);
        return TopicValidatorResult.Ignore;
      }
      if (kind && message.data.length > MAX_TOPIC_MESSAGE[kind]) {
        void this.penalize(from, PENALTY.invalid, `a message of ${message.data.length} bytes on ${kind}, at most ${MAX_TOPIC_MESSAGE[kind]}`);
        return TopicValidatorResult.Reject;
      }
      let verdict: Verdict;
      let reason = `an invalid message on ${kind ?? topic}`;
      try {
        verdict = await validate(message.data, from);
      } catch (e) {
        verdict = 'reject';
        reason += `: ${(e as Error).message}`;
      }
      if (typeof verdict === 'object') {
        reason += `: ${verdict.reject}`;
        verdict = 'reject';
      }
      if (verdict === 'reject') void this.penalize(from, PENALTY.invalid, reason);
      return verdict === 'accept' ? TopicValidatorResult.Accept : verdict === 'ignore' ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject;
    });
    const listener = (evt: CustomEvent<Message>) => {
      const m = evt.detail;
      if (m.topic !== topic) return;
      onMessage(m.data, m.type === 'signed' ? m.from.toString() : 'anonymous');
    };
    pubsub.addEventListener('message', listener);
    this.#events.push(() => pubsub.removeEventListener('message', listener));
    pubsub.subscribe(topic);
  }

  /** Publishes bytes on a topic. */
  async publish(topic: string, data: Uint8Array): Promise<void> {
    await this.node.services.pubsub.publish(topic, data);
  }

  /** Peers this one is connected to. */
  connections(): string[] {
    return this.node.getConnections().map((c) => c.remotePeer.toString());
  }

  /** Peers this one is connected to directly over WebRTC (browsers). */
  webRtcConnections(): string[] {
    return this.node.getConnections().filter((c) => c.remoteAddr.toString().includes('/webrtc') && !c.limits).map((c) => c.remotePeer.toString());
  }

  /** This peer's id. */
  get id(): string {
    return this.node.peerId.toString();
  }

  /**
   * Stops libp2p and lets go of everything this peer was given. Gossipsub 17's stop() forgets its
   * pending heartbeat timer without clearing it (it only stops rescheduling), and that timer holds
   * the service and, through the topic validators, the chain: a stopped node's whole ledger stayed
   * reachable until the timer fired. libp2p 3.3's address manager, which has no stop(), likewise
   * leaves a debounced address update pending for a second, holding every component. Both timers
   * are cleared here; and since libp2p's objects can still be held a while by a pending timer or
   * signal of theirs, this peer's protocol handlers, topic validators and listeners, which reach
   * the chain, are taken off them: a stopped node's ledger is free when stop() resolves.
   */
  async stop(): Promise<void> {
    const pubsub = this.node.services.pubsub;
    const heartbeat = (pubsub as unknown as { status: { heartbeatTimeout?: ReturnType<typeof setTimeout> } }).status.heartbeatTimeout;
    await this.node.stop();
    clearTimeout(heartbeat);
    (this.node as unknown as { components?: { addressManager?: { _updatePeerStoreAddresses?: { stop?: () => void } } } }).components?.addressManager?._updatePeerStoreAddresses?.stop?.();
    pubsub.topicValidators.clear();
    for (const off of this.#events.splice(0)) off();
    this.#handlers.clear();
  }
}
