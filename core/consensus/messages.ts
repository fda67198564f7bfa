/**
 * Consensus messages (docs/consensus-design.md) and their wire format. Every message names its
 * height, round and sender (the sender's index among the height's validators, sorted) and is
 * signed by the sender's validator key in an envelope, so that it can be gossiped through peers
 * that are not validators and still be judged by whoever receives it.
 *
 *   message  = height u32, round u16, sender u16, kind u8, body
 *   deal     = timestamp u32, commitments (count, 33 bytes each), sealed shares (count, 93 bytes
 *              each, one per validator in index order), transaction hashes (count, 32 bytes each)
 *   propose  = validRound i32 (-1: none), set (count, then dealer u16 + deal digest 32 each)
 *   prevote, precommit = 00 (nil) | 01 + set digest (32)
 *   reveal   = set digest (32), shares (count, then dealer u16 + share 32 each)
 *   sign     = block hash (32), signature (64)
 *   envelope = message (var bytes), signature (64) over sha256(domain || magic u32 || message),
 *              resend u32 (not signed: 0 on the first send, then counts resends, so that gossip,
 *              which drops bytes it has seen, carries a deliberate resend)
 */
import * as P from 'micro-packed';
import { sha256 } from '../crypto/hash.ts';
import { defaultVerifier, sign, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { concatBytes } from '../encoding/bytes.ts';
import { UInt256, decodeStrict, varArray, varBytes } from '../encoding/primitives.ts';

/** Most validators a round can have (the election's limit is 1,024 candidates). */
export const MAX_VALIDATORS = 1024;
/** Most transaction hashes one deal may propose. */
export const MAX_PROPOSED = 100_000;
export const SEALED_SHARE_BYTES = 93;

/** A dealing chosen into a set: its dealer and the digest of its deal message. */
export interface DealRef {
  readonly dealer: number;
  readonly digest: Uint8Array;
}

export type Body =
  | { kind: 'deal'; timestamp: number; commitments: Uint8Array[]; boxes: Uint8Array[]; txs: Uint8Array[] }
  | { kind: 'propose'; validRound: number; set: DealRef[] }
  | { kind: 'prevote'; set: Uint8Array | null }
  | { kind: 'precommit'; set: Uint8Array | null }
  | { kind: 'reveal'; set: Uint8Array; shares: { dealer: number; share: Uint8Array }[] }
  | { kind: 'sign'; block: Uint8Array; signature: Uint8Array };

export type Kind = Body['kind'];

export interface Message {
  readonly height: number;
  readonly round: number;
  readonly sender: number;
  readonly body: Body;
}

const KINDS: readonly Kind[] = ['deal', 'propose', 'prevote', 'precommit', 'reveal', 'sign'];

const Ref = P.struct({ dealer: P.U16LE, digest: UInt256 });
const DealBody = P.struct({
  timestamp: P.U32LE,
  commitments: varArray(MAX_VALIDATORS, P.bytes(33)),
  boxes: varArray(MAX_VALIDATORS, P.bytes(SEALED_SHARE_BYTES)),
  txs: varArray(MAX_PROPOSED, UInt256),
});
const ProposeBody = P.struct({ validRound: P.I32LE, set: varArray(MAX_VALIDATORS, Ref) });
const Vote: P.CoderType<Uint8Array | null> = P.wrap({
  encodeStream(w, set: Uint8Array | null) {
    if (set === null) return w.byte(0);
    w.byte(1);
    UInt256.encodeStream(w, set);
  },
  decodeStream(r) {
    const flag = r.byte();
    if (flag === 0) return null;
    if (flag !== 1) throw r.err(`vote flag ${flag}, expected 0 or 1`);
    return UInt256.decodeStream(r);
  },
});
const RevealBody = P.struct({ set: UInt256, shares: varArray(MAX_VALIDATORS, P.struct({ dealer: P.U16LE, share: P.bytes(32) })) });
const SignBody = P.struct({ block: UInt256, signature: P.bytes(64) });

export const MessageCoder: P.CoderType<Message> = P.wrap({
  encodeStream(w, m: Message) {
    P.U32LE.encodeStream(w, m.height);
    P.U16LE.encodeStream(w, m.round);
    P.U16LE.encodeStream(w, m.sender);
    const b = m.body;
    w.byte(KINDS.indexOf(b.kind));
    switch (b.kind) {
      case 'deal': return DealBody.encodeStream(w, b);
      case 'propose': return ProposeBody.encodeStream(w, b);
      case 'prevote':
      case 'precommit': return Vote.encodeStream(w, b.set);
      case 'reveal': return RevealBody.encodeStream(w, b);
      case 'sign': return SignBody.encodeStream(w, b);
    }
  },
  decodeStream(r): Message {
    const height = P.U32LE.decodeStream(r);
    const round = P.U16LE.decodeStream(r);
    const sender = P.U16LE.decodeStream(r);
    const tag = r.byte();
    const kind = KINDS[tag];
    let body: Body;
    switch (kind) {
      case 'deal': body = { kind, ...DealBody.decodeStream(r) }; break;
      case 'propose': body = { kind, ...ProposeBody.decodeStream(r) }; break;
      case 'prevote':
      case 'precommit': body = { kind, set: Vote.decodeStream(r) }; break;
      case 'reveal': body = { kind, ...RevealBody.decodeStream(r) }; break;
      case 'sign': body = { kind, ...SignBody.decodeStream(r) }; break;
      default: throw r.err(`unknown consensus message kind ${tag}`);
    }
    return { height, round, sender, body };
  },
});

export function encodeMessage(m: Message): Uint8Array {
  return MessageCoder.encode(m);
}

export function decodeMessage(bytes: Uint8Array): Message {
  return decodeStrict(MessageCoder, bytes, 'ConsensusMessage');
}

/** The digest that names a deal in a set: sha256 of its message bytes. */
export function dealDigest(m: Message): Uint8Array {
  return sha256(encodeMessage(m));
}

/** The digest that names a set in votes and reveals. */
export function setDigest(set: readonly DealRef[]): Uint8Array {
  return sha256(varArray(MAX_VALIDATORS, Ref).encode([...set]));
}


// --- the signed envelope ---

const DOMAIN = new TextEncoder().encode('antshares-web consensus v1');
const Envelope = P.struct({ message: varBytes(1 << 24), signature: P.bytes(64), resend: P.U32LE });

function signedBytes(magic: number, message: Uint8Array): Uint8Array {
  const m = new Uint8Array(4);
  new DataView(m.buffer).setUint32(0, magic, true);
  return sha256(concatBytes(DOMAIN, m, message));
}

/** Signs a message with its sender's validator key. */
export function sealMessage(magic: number, m: Message, privateKey: Uint8Array): Uint8Array {
  const message = encodeMessage(m);
  return Envelope.encode({ message, signature: sign(signedBytes(magic, message), privateKey), resend: 0 });
}

/** The same envelope (same message and signature) marked as its `resend`th resend. */
export function resendEnvelope(envelope: Uint8Array, resend: number): Uint8Array {
  const out = Uint8Array.from(envelope);
  new DataView(out.buffer).setUint32(out.length - 4, resend >>> 0, true);
  return out;
}

/**
 * Opens an envelope: the message, its bytes as signed, and `checkSender`, which resolves to null
 * when the envelope is signed by the key of the sender it names among `validators` (sorted, of
 * the message's height), and to the reason otherwise.
 */
export function openMessage(magic: number, bytes: Uint8Array): {
  message: Message;
  messageBytes: Uint8Array;
  checkSender: (validators: readonly Uint8Array[], verifier?: SignatureVerifier) => Promise<string | null>;
} {
  const env = decodeStrict(Envelope, bytes, 'ConsensusEnvelope');
  const message = decodeMessage(env.message);
  return {
    message,
    messageBytes: env.message,
    checkSender: async (validators, verifier = defaultVerifier()) => {
      const key = validators[message.sender];
      if (!key) return `consensus message from validator ${message.sender}, of ${validators.length}`;
      return (await verifier.verify(env.signature, signedBytes(magic, env.message), key)) ? null : `consensus message not signed by validator ${message.sender}`;
    },
  };
}
