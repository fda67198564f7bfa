/**
 * A libp2p peer of the network (docs/protocol.md, "Network"; ../shared/docs/browser-p2p.md for
 * the versions and settings that work here): WebSockets, noise, yamux, identify, ping, gossipsub
 * for transactions, blocks and consensus messages. Every gossip topic has a validator: a message
 * it rejects is not delivered nor forwarded, and the peer that sent it is disconnected and
 * refused for a while. Each peer has a rate limit per topic; messages over it are dropped and
 * lower the peer's score, and a peer whose score falls to BAN_SCORE is disconnected and refused.
 * Browser-only transports (WebRTC, the circuit relay) are added by the browser entry point.
 */
import { createLibp2p, type Libp2p, type Libp2pInit } from 'libp2p';
import type { PrivateKey } from '@libp2p/interface';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { webSockets } from '@libp2p/websockets';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { gossipsub, TopicValidatorResult } from '@libp2p/gossipsub';
import { multiaddr } from '@multiformats/multiaddr';

/** The gossip topics of a network (its magic keeps networks apart). */
export function topicsOf(magic: number) {
  const net = magic.toString(16).padStart(8, '0');
  return {
    transactions: `/antshares/${net}/tx/1`,
    blocks: `/antshares/${net}/block/1`,
    consensus: `/antshares/${net}/consensus/1`,
    /** Browser peers announcing the WebRTC addresses (through a relay) where others can reach them. */
    peers: `/antshares/${net}/peers/1`,
  } as const;
}

/**
 * What a topic's validator answers: deliver and forward, drop quietly, or drop and punish the
 * sender (`{ reject: reason }` says why, for the ban record).
 */
export type Verdict = 'accept' | 'ignore' | 'reject' | { reject: string };

/** Largest gossip message, in bytes: a full block of the protocol's size fits. */
export const MAX_GOSSIP_MESSAGE = 4 << 20;

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
export const DEFAULT_RATE_LIMITS: Record<keyof ReturnType<typeof topicsOf>, RateLimit> = {
  transactions: { perSecond: 5_000, burst: 20_000 },
  blocks: { perSecond: 20, burst: 200 },
  consensus: { perSecond: 500, burst: 2_000 },
  peers: { perSecond: 5, burst: 50 },
};

/** Score at which a peer is disconnected and refused for BAN_MS. */
export const BAN_SCORE = -100;
export const BAN_MS = 10 * 60_000;
/** What one message over the rate limit costs; an invalid message costs the whole score. */
const EXCESS_PENALTY = 5;

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
  /** Per-topic limits of each remote peer (default DEFAULT_RATE_LIMITS). */
  readonly rateLimits?: Partial<typeof DEFAULT_RATE_LIMITS>;
}

type Services = { identify: ReturnType<ReturnType<typeof identify>>; ping: ReturnType<ReturnType<typeof ping>>; pubsub: ReturnType<ReturnType<typeof gossipsub>> };

export class Peer {
  readonly node: Libp2p<Services>;
  readonly topics: ReturnType<typeof topicsOf>;
  readonly #limits: typeof DEFAULT_RATE_LIMITS;
  /** Peer id -> score (0 is good; BAN_SCORE or below: banned). */
  readonly #scores = new Map<string, number>();
  readonly #banned: Map<string, number>;
  /** `${peer} ${topic}` -> bucket. */
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

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

  /** The last bans, newest last (for status views): who, why, when. */
  readonly bans: { peer: string; reason: string; at: string }[] = [];

  /** Lowers a peer's score; at BAN_SCORE it is disconnected (resolves when it is) and refused for BAN_MS. */
  async penalize(peer: string, points: number, reason = 'misbehaviour'): Promise<void> {
    const score = (this.#scores.get(peer) ?? 0) - points;
    this.#scores.set(peer, score);
    if (score <= BAN_SCORE) {
      this.#scores.delete(peer);
      this.#banned.set(peer, Date.now() + BAN_MS);
      this.bans.push({ peer, reason, at: new Date().toISOString() });
      if (this.bans.length > 32) this.bans.shift();
      const remote = this.node.getConnections().find((c) => c.remotePeer.toString() === peer)?.remotePeer;
      if (remote) await this.node.hangUp(remote).catch(() => {});
    }
  }


  /** Takes a token from the peer's bucket for `kind`; false when it is empty. */
  #admit(peer: string, kind: keyof typeof DEFAULT_RATE_LIMITS): boolean {
    const limit = this.#limits[kind];
    const key = `${peer} ${kind}`;
    const now = Date.now();
    const b = this.#buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.perSecond);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
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
      connectionEncrypters: [noise()],
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
        pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false, maxInboundDataLength: MAX_GOSSIP_MESSAGE, globalSignaturePolicy: 'StrictNoSign', seenTTL: 10_000 }),
        ...(options.relay ? { relay: circuitRelayServer() } : {}),
      },
    });
    return new Peer(node as Libp2p<Services>, options.magic, { ...DEFAULT_RATE_LIMITS, ...options.rateLimits }, banned);
  }

  /** Addresses other peers can dial. */
  addresses(): string[] {
    return this.node.getMultiaddrs().map((a) => a.toString());
  }

  async dial(address: string): Promise<void> {
    await this.node.dial(multiaddr(address));
  }

  /**
   * Subscribes to `topic`: `validate` judges each message (its bytes) before anything else sees
   * it; accepted messages go to `onMessage`. A rejected one disconnects its sender.
   */
  subscribe(topic: string, validate: (data: Uint8Array, from: string) => Verdict | Promise<Verdict>, onMessage: (data: Uint8Array, from: string) => void): void {
    const pubsub = this.node.services.pubsub;
    const kind = (Object.keys(this.topics) as (keyof typeof DEFAULT_RATE_LIMITS)[]).find((k) => this.topics[k] === topic);
    pubsub.topicValidators.set(topic, async (peer, message) => {
      const from = peer.toString();
      if (kind && !this.#admit(from, kind)) {
        void this.penalize(from, EXCESS_PENALTY, `over the rate limit of ${kind}`);
        return TopicValidatorResult.Ignore;
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
      if (verdict === 'reject') void this.penalize(from, -BAN_SCORE, reason);
      return verdict === 'accept' ? TopicValidatorResult.Accept : verdict === 'ignore' ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject;
    });
    pubsub.addEventListener('message', (evt) => {
      const m = evt.detail;
      if (m.topic !== topic) return;
      onMessage(m.data, m.type === 'signed' ? m.from.toString() : 'anonymous');
    });
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

  async stop(): Promise<void> {
    await this.node.stop();
  }
}
