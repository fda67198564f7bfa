/**
 * A libp2p peer of the network (docs/protocol.md, "Network"; ../shared/docs/browser-p2p.md for
 * the versions and settings that work here): WebSockets, noise, yamux, identify, ping, gossipsub
 * for transactions, blocks and consensus messages. Every gossip topic has a validator: a message
 * it rejects is not delivered nor forwarded, and the peer that sent it is disconnected.
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
  } as const;
}

/** What a topic's validator answers: deliver and forward, drop quietly, or drop and punish the sender. */
export type Verdict = 'accept' | 'ignore' | 'reject';

/** Largest gossip message, in bytes: a full block of the protocol's size fits. */
export const MAX_GOSSIP_MESSAGE = 4 << 20;

export interface PeerOptions {
  readonly magic: number;
  /** Addresses to listen on (Node), e.g. `/ip4/127.0.0.1/tcp/0/ws`; a browser: `/p2p-circuit`, `/webrtc`. */
  readonly listen?: readonly string[];
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
}

type Services = { identify: ReturnType<ReturnType<typeof identify>>; ping: ReturnType<ReturnType<typeof ping>>; pubsub: ReturnType<ReturnType<typeof gossipsub>> };

export class Peer {
  readonly node: Libp2p<Services>;
  readonly topics: ReturnType<typeof topicsOf>;

  private constructor(node: Libp2p<Services>, magic: number) {
    this.node = node;
    this.topics = topicsOf(magic);
  }

  /** Starts a peer. */
  static async start(options: PeerOptions): Promise<Peer> {
    const node = await createLibp2p({
      privateKey: options.privateKey,
      addresses: { listen: [...(options.listen ?? [])] },
      transports: [webSockets(), ...(options.transports ?? [])],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: options.allowLocalDials ? { denyDialMultiaddr: () => false } : undefined,
      services: {
        identify: identify(),
        ping: ping(),
        pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false, maxInboundDataLength: MAX_GOSSIP_MESSAGE }),
        ...(options.relay ? { relay: circuitRelayServer() } : {}),
      },
    });
    return new Peer(node as Libp2p<Services>, options.magic);
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
    pubsub.topicValidators.set(topic, async (peer, message) => {
      let verdict: Verdict;
      try {
        verdict = await validate(message.data, peer.toString());
      } catch {
        verdict = 'reject';
      }
      if (verdict === 'reject') void this.node.hangUp(peer).catch(() => {});
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

  async stop(): Promise<void> {
    await this.node.stop();
  }
}
