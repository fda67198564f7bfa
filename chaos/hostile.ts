/**
 * A hostile peer for the fault suite: a libp2p peer of the network (the project's own Peer, so
 * that it speaks the same gossip and protocols) that connects to a host and misbehaves, one attack
 * at a time, each time with a new identity (the last one is banned, if the host did its job):
 *
 * - garbage on each gossip topic;
 * - a block far ahead that claims our validators' script with signatures that are not theirs;
 * - a burst of blocks far ahead signed by keys of its own (no one can judge them: each costs a
 *   little, a burst bans);
 * - a burst of consensus messages far ahead, and one for the next height with a bad signature;
 * - a gossip frame of 10 MB, and frames that are not gossip messages;
 * - a flood of block requests, and a request it never finishes;
 * - meanwhile it serves the request protocols and never answers (a node that asks it for blocks or
 *   transactions must not wait on it).
 *
 * For each attack it notes when its first offending message left and when the host closed the
 * connection: the host must ban it within a second for every message that is provably invalid.
 */
import { lpStream } from '@libp2p/utils';
import { peerIdFromString } from '@libp2p/peer-id';
import { bytesToHex } from '../core/encoding/bytes.ts';
import { generatePrivateKey, getPublicKey, sign } from '../core/crypto/index.ts';
import { multiSigScript, sortPublicKeys } from '../core/script/accounts.ts';
import { invocationScript } from '../core/tx/sign.ts';
import { encodeBlock, headerMessage, consensusThreshold, type Block } from '../core/block/index.ts';
import { sealMessage } from '../core/consensus/messages.ts';
import { Peer } from '../core/p2p/peer.ts';
import { syncProtocolOf, txProtocolOf, headersProtocolOf } from '../core/p2p/sync.ts';

export type AttackName =
  | 'garbage-tx' | 'garbage-block' | 'garbage-consensus' | 'garbage-peers'
  | 'forged-block-ahead' | 'self-signed-blocks-ahead' | 'envelopes-ahead' | 'envelope-bad-signature'
  | 'oversized-frame' | 'non-gossip-frames' | 'request-flood' | 'unfinished-request';

/** Attacks whose first message is provably invalid: the host must ban at once (within a second). */
export const INVALID_AT_ONCE: readonly AttackName[] = ['garbage-tx', 'garbage-block', 'garbage-consensus', 'garbage-peers', 'forged-block-ahead', 'envelope-bad-signature', 'oversized-frame', 'non-gossip-frames'];
/** Attacks that cost a little each and ban in a burst (claims that cannot be judged, a flood). */
export const INVALID_IN_A_BURST: readonly AttackName[] = ['self-signed-blocks-ahead', 'envelopes-ahead', 'request-flood'];
export const ATTACKS: readonly AttackName[] = [...INVALID_AT_ONCE, ...INVALID_IN_A_BURST, 'unfinished-request'];

export interface AttackResult {
  readonly attack: AttackName;
  readonly target: string;
  /** Milliseconds from the first offending message to the host closing the connection (undefined: not closed). */
  readonly banMs?: number;
  /** Whether anything offending left: a dial refused before that (the host's limit of new connections a second) is no attack. */
  readonly sent: boolean;
  readonly error?: string;
}

export interface HostileContext {
  readonly magic: number;
  /** The network's validators (public keys), for forgeries that name them. */
  readonly validators: readonly Uint8Array[];
  /** The chain's height now (a forged block or message goes far beyond it). */
  readonly height: () => number;
}

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** A block at `height` with one MinerTransaction and the given witness: it decodes, and claims what it claims. */
function blockAt(height: number, witness: (unsigned: Block) => Block['witness']): Uint8Array {
  const miner = { type: 'MinerTransaction' as const, version: 0, nonce: height, attributes: [], inputs: [], outputs: [], witnesses: [] };
  const unsigned: Block = {
    version: 0, prevBlock: random(32), merkleRoot: random(32), timestamp: Math.floor(Date.now() / 1000), height,
    consensusData: 0n, nextMiner: random(20), witness: { invocation: new Uint8Array(0), verification: new Uint8Array(0) }, transactions: [miner],
  };
  return encodeBlock({ ...unsigned, witness: witness(unsigned) });
}

/** Runs one attack against `target` (a multiaddress) with a fresh identity. */
export async function attack(name: AttackName, target: string, context: HostileContext): Promise<AttackResult> {
  const peer = await Peer.start({ magic: context.magic, listen: [] });
  const targetId = target.split('/p2p/').at(-1)!;
  // It answers nobody: a host that asks it for blocks, headers or transactions gets silence.
  for (const protocol of [syncProtocolOf(context.magic), headersProtocolOf(context.magic), txProtocolOf(context.magic)]) {
    await peer.node.handle(protocol, async (stream) => {
      await new Promise((r) => setTimeout(r, 120_000));
      stream.abort(new Error('gone'));
    }, { maxInboundStreams: 64 });
  }
  let closedAt: number | undefined;
  peer.node.addEventListener('connection:close', (evt) => {
    if (evt.detail.remotePeer.toString() === targetId) closedAt ??= Date.now();
  });
  const noop = () => 'accept' as const;
  for (const topic of Object.values(peer.topics)) peer.subscribe(topic, noop, () => {});
  let firstAt: number | undefined;
  let error: string | undefined;
  const mark = () => {
    firstAt ??= Date.now();
  };
  try {
    await peer.dial(target, 5000);
    // Gossip reaches the host once each side knows the other's subscriptions.
    const pubsub = peer.node.services.pubsub;
    for (let i = 0; i < 50 && !pubsub.getSubscribers(peer.topics.blocks).some((p) => p.toString() === targetId); i++) await new Promise((r) => setTimeout(r, 100));
    const publish = async (topic: string, data: Uint8Array) => {
      mark();
      await peer.publish(topic, data);
    };
    const h = context.height();
    const m = consensusThreshold(context.validators.length);
    switch (name) {
      case 'garbage-tx': await publish(peer.topics.transactions, random(300)); break;
      case 'garbage-block': await publish(peer.topics.blocks, random(500)); break;
      case 'garbage-consensus': await publish(peer.topics.consensus, random(200)); break;
      case 'garbage-peers': await publish(peer.topics.peers, random(100)); break;
      case 'forged-block-ahead': {
        const verification = multiSigScript(m, sortPublicKeys(context.validators));
        await publish(peer.topics.blocks, blockAt(h + 1000, () => ({ invocation: invocationScript(Array.from({ length: m }, () => random(64))), verification })));
        break;
      }
      case 'self-signed-blocks-ahead': {
        const keys = Array.from({ length: 4 }, () => generatePrivateKey());
        const publics = sortPublicKeys(keys.map((k) => getPublicKey(k)));
        const byPublic = new Map(keys.map((k) => [bytesToHex(getPublicKey(k)), k]));
        for (let i = 0; i < 15 && closedAt === undefined; i++) {
          await publish(peer.topics.blocks, blockAt(h + 1000 + i, (b) => ({
            invocation: invocationScript(publics.slice(0, 3).map((pk) => sign(headerMessage(b), byPublic.get(bytesToHex(pk))!))),
            verification: multiSigScript(3, publics),
          })));
          await new Promise((r) => setTimeout(r, 20));
        }
        break;
      }
      case 'envelopes-ahead':
        for (let i = 0; i < 15 && closedAt === undefined; i++) {
          await publish(peer.topics.consensus, sealMessage(context.magic, { height: h + 5 + i, round: 0, sender: 0, body: { kind: 'prevote', set: null } }, generatePrivateKey()));
          await new Promise((r) => setTimeout(r, 20));
        }
        break;
      case 'envelope-bad-signature':
        // For the next height of a host a block behind the observer, level with it, or a block
        // ahead (blocks come every two seconds: hosts differ by one now and then). Only the one
        // for the host's next height is provably invalid to it; the others cost a little.
        for (const height of [h, h + 1, h + 2]) await publish(peer.topics.consensus, sealMessage(context.magic, { height, round: 0, sender: 0, body: { kind: 'prevote', set: null } }, generatePrivateKey()));
        break;
      case 'oversized-frame':
      case 'non-gossip-frames': {
        // Straight on a gossip stream: 10 MB in one frame, or frames that are not gossip RPCs.
        const stream = await peer.node.dialProtocol(peerIdFromString(targetId), ['/meshsub/1.2.0', '/meshsub/1.1.0', '/meshsub/1.0.0']);
        mark();
        if (name === 'oversized-frame') {
          // The length prefix of 10 MB, then the bytes, in the pieces a stream takes.
          const size = 10 << 20;
          const prefix: number[] = [];
          for (let v = size; ; v >>>= 7) {
            if (v < 0x80) {
              prefix.push(v);
              break;
            }
            prefix.push((v & 0x7f) | 0x80);
          }
          stream.send(Uint8Array.from(prefix));
          for (let sent = 0; sent < size && closedAt === undefined; sent += 60_000) {
            if (!stream.send(random(60_000))) await new Promise((r) => setTimeout(r, 5));
          }
        } else {
          const lp = lpStream(stream);
          for (let i = 0; i < 3; i++) await lp.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, ...random(64))).catch(() => {});
        }
        break;
      }
      case 'request-flood':
        for (let i = 0; i < 120 && closedAt === undefined; i++) {
          mark();
          void (async () => {
            const stream = await peer.node.dialProtocol(peerIdFromString(targetId), syncProtocolOf(context.magic));
            const lp = lpStream(stream);
            const request = new Uint8Array(6);
            new DataView(request.buffer).setUint16(4, 500, true);
            await lp.write(request);
            await lp.read();
          })().catch(() => {});
          await new Promise((r) => setTimeout(r, 5));
        }
        break;
      case 'unfinished-request': {
        // A request opened and never sent, and one whose answer is never read.
        mark();
        await peer.node.dialProtocol(peerIdFromString(targetId), syncProtocolOf(context.magic)).catch(() => {});
        const stream = await peer.node.dialProtocol(peerIdFromString(targetId), syncProtocolOf(context.magic));
        const request = new Uint8Array(6);
        new DataView(request.buffer).setUint16(4, 500, true);
        await lpStream(stream).write(request);
        break;
      }
    }
  } catch (e) {
    error = (e as Error).message; // the host may have cut us off mid-attack: that is what we wait for below
  }
  try {
    const until = Date.now() + (name === 'unfinished-request' ? 2000 : 1500);
    while (closedAt === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const banMs = closedAt !== undefined && firstAt !== undefined ? Math.max(0, closedAt - firstAt) : undefined;
    return { attack: name, target: targetId, banMs, sent: firstAt !== undefined, ...(banMs === undefined && error ? { error } : {}) };
  } finally {
    await peer.stop().catch(() => {});
  }
}
