/**
 * Verifiable secret sharing for the block random number (whitepaper 5.2.3; docs/consensus.md).
 *
 * Feldman VSS on P-256: a validator deals its secret a0 with a random polynomial f of degree
 * K - 1 (K = f + 1, f = floor((N - 1) / 3)); validator i gets the share f(i); the commitments
 * C_j = a_j G let anyone check a share (s G = sum of C_j i^j) without learning the secret.
 * Any K shares rebuild a0, so once the set of dealings is fixed, a dealer that goes silent cannot
 * stop or steer the random number; fewer than K shares say nothing about it.
 *
 * Each share travels encrypted to its validator (`sealShare`: ephemeral ECDH, HKDF-SHA256,
 * AES-256-GCM bound to the round's context). A validator that receives a bad share can prove it:
 * it publishes its ECDH point with a Chaum-Pedersen proof that the point is its own (DLEQ), and
 * anyone can then decrypt the share and see it fail the commitments (`judgeComplaint`).
 */
import { p256 } from '@noble/curves/nist.js';
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '../crypto/hash.ts';
import { bytesToHex, concatBytes, equalBytes } from '../encoding/bytes.ts';
import { DecodeError } from '../encoding/errors.ts';
import { nativeP256 } from '../crypto/native.ts';
import { setBounded } from '../util/bounded.ts';

const Point = p256.Point;
const Fn = Point.Fn;
const G = Point.BASE;
type Pt = InstanceType<typeof Point>;

/** A uniformly random non-zero scalar. */
function randomScalar(): bigint {
  return Fn.fromBytes(p256.utils.randomSecretKey());
}

const DERIVE_INFO = new TextEncoder().encode('antshares-web consensus scalar v1');

/**
 * A non-zero scalar derived from a secret key and a label (HKDF-SHA256, 48 bytes reduced mod n,
 * so the bias is below 2^-128): unpredictable to whoever lacks the key, and the same each time,
 * so a validator that restarts deals the same secret for the same height.
 */
export function deriveScalar(key: Uint8Array, label: Uint8Array): bigint {
  const wide = BigInt('0x' + bytesToHex(hkdf(sha256, key, label, DERIVE_INFO, 48)));
  return (wide % (Fn.ORDER - 1n)) + 1n;
}

function pointOf(bytes: Uint8Array, what: string): Pt {
  try {
    const p = Point.fromBytes(bytes);
    p.assertValidity();
    return p;
  } catch (e) {
    throw new DecodeError(what, 'not a point on P-256', { cause: e });
  }
}

// Validators' public keys: each round seals a share to every validator, a multiplication of its
// key (constant time: the ephemeral scalar is secret). Decoded once and kept with a table of its
// multiples (noble's `precompute`, still constant time), the same few keys come back every round.
const RECIPIENTS_KEPT = 64;
const recipients = new Map<string, { point: Pt; bytes: Uint8Array }>();

/** A recipient's key, checked and kept: its point (with its table of multiples) and its compressed bytes. */
function recipientPoint(bytes: Uint8Array): { point: Pt; bytes: Uint8Array } {
  const id = bytesToHex(bytes);
  let p = recipients.get(id);
  if (!p) {
    const point = pointOf(bytes, 'Recipient').precompute();
    p = { point, bytes: point.toBytes(true) };
    setBounded(recipients, id, p, RECIPIENTS_KEPT);
  }
  return p;
}

/** A scalar as 32 big-endian bytes (how shares travel). */
export function scalarToBytes(s: bigint): Uint8Array {
  return Fn.toBytes(s);
}

/** 32 big-endian bytes as a number, not reduced: an out-of-range share simply fails `verifyShare`. */
export function scalarFromBytes(b: Uint8Array): bigint {
  return BigInt('0x' + (bytesToHex(b) || '0'));
}

/** s G, for any scalar (zero gives the point at infinity). */
function times(p: Pt, s: bigint): Pt {
  return s === 0n ? Point.ZERO : p.multiply(s);
}

/** A dealing: the public commitments (compressed points) and the share of each validator 1..N. */
export interface Dealing {
  readonly secret: bigint;
  readonly commitments: Uint8Array[];
  readonly shares: bigint[];
}

/**
 * Deals `secret` (random by default) to `n` validators, any `k` of whom can rebuild it. The
 * other coefficients come from `coefficient(j)` (random by default; `deriveScalar` for a
 * dealing that must come out the same after a restart).
 */
export function deal(n: number, k: number, secret: bigint = randomScalar(), coefficient: (j: number) => bigint = randomScalar): Dealing {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`a dealing needs 1 <= K <= N, got K=${k}, N=${n}`);
  if (secret <= 0n || secret >= Fn.ORDER) throw new RangeError('the secret is a non-zero scalar');
  const coefficients = [secret, ...Array.from({ length: k - 1 }, (_, j) => coefficient(j + 1))];
  const commitments = coefficients.map((a) => G.multiply(a).toBytes(true));
  const shares = Array.from({ length: n }, (_, i) => evaluate(coefficients, BigInt(i + 1)));
  return { secret, commitments, shares };
}

function evaluate(coefficients: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = Fn.add(Fn.mul(acc, x), coefficients[j]);
  return acc;
}

/**
 * True when `share` is validator `index`'s (1-based) share of the dealing with these commitments.
 * The commitments and the powers of the index are public, so their products use noble's faster
 * variable-time multiplication; the share (secret until revealed) is multiplied in constant time.
 */
export function verifyShare(index: number, share: bigint, commitments: readonly Uint8Array[]): boolean {
  if (!Number.isInteger(index) || index < 1 || share < 0n || share >= Fn.ORDER || commitments.length === 0) return false;
  let expected = Point.ZERO;
  let power = 1n;
  const x = BigInt(index);
  for (const c of commitments) {
    expected = expected.add(power === 0n ? Point.ZERO : pointOf(c, 'Commitment').multiplyUnsafe(power));
    power = Fn.mul(power, x);
  }
  return times(G, share).equals(expected);
}

/** True when `secret` is the dealt secret (its point is the first commitment). */
export function secretMatches(secret: bigint, commitments: readonly Uint8Array[]): boolean {
  return secret > 0n && secret < Fn.ORDER && equalBytes(G.multiply(secret).toBytes(true), commitments[0]);
}

/** Rebuilds the secret from at least `k` shares of distinct validators (Lagrange at 0). */
export function reconstruct(shares: readonly { index: number; share: bigint }[], k: number): bigint {
  const picked = [...new Map(shares.map((s) => [s.index, s])).values()].slice(0, k);
  if (picked.length < k) throw new RangeError(`${k} shares of distinct validators are needed, ${picked.length} given`);
  let secret = 0n;
  for (const { index: i, share } of picked) {
    let num = 1n;
    let den = 1n;
    for (const { index: j } of picked) {
      if (j === i) continue;
      num = Fn.mul(num, Fn.neg(BigInt(j)));
      den = Fn.mul(den, Fn.sub(BigInt(i), BigInt(j)));
    }
    secret = Fn.add(secret, Fn.mul(share, Fn.div(num, den)));
  }
  return secret;
}

const SHARE_INFO = new TextEncoder().encode('antshares-web consensus share v1');
const PROOF_DOMAIN = new TextEncoder().encode('antshares-web consensus dleq v1');

function shareKey(sharedX: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  return hkdf(sha256, sharedX, concatBytes(ephemeral, recipient), SHARE_INFO, 32);
}

/**
 * Encrypts a share to the validator with public key `recipient`; `context` (height, round,
 * dealer, recipient index) is authenticated, so a sealed share cannot be replayed elsewhere.
 * Layout: ephemeral public key (33) || nonce (12) || ciphertext and tag (48). `ephemeralScalar`
 * is random by default; pass a derived one for a box that must come out the same each time.
 */
export function sealShare(share: bigint, recipient: Uint8Array, context: Uint8Array, ephemeralScalar: bigint = randomScalar()): Uint8Array {
  const v = recipientPoint(recipient);
  const e = ephemeralScalar;
  let ephemeral: Uint8Array, sharedX: Uint8Array;
  if (nativeP256) {
    // Native ECDH where the runtime has it (Node): a validator seals N boxes a block (native.ts).
    ({ sharedX, ownPublicKey: ephemeral } = nativeP256.agree(scalarToBytes(e), v.bytes));
  } else {
    ephemeral = G.multiply(e).toBytes(true);
    sharedX = v.point.multiply(e).toBytes(true).subarray(1);
  }
  // The key is fresh for each ephemeral scalar. A derived (repeated) scalar seals the same share
  // again, and the nonce follows the context, so one key and nonce never protect two messages.
  const nonce = sha256(concatBytes(ephemeral, context)).subarray(0, 12);
  const body = gcm(shareKey(sharedX, ephemeral, v.bytes), nonce, context).encrypt(scalarToBytes(share));
  return concatBytes(ephemeral, nonce, body);
}

function openWith(box: Uint8Array, sharedX: Uint8Array, recipient: Uint8Array, context: Uint8Array): bigint {
  if (box.length !== 33 + 12 + 48) throw new DecodeError('SealedShare', `${box.length} bytes, expected 93`);
  const ephemeral = box.subarray(0, 33);
  let plain: Uint8Array;
  try {
    plain = gcm(shareKey(sharedX, ephemeral, recipient), box.subarray(33, 45), context).decrypt(box.subarray(45));
  } catch (e) {
    throw new DecodeError('SealedShare', 'does not open with this key and context', { cause: e });
  }
  try {
    return Fn.fromBytes(plain);
  } catch (e) {
    throw new DecodeError('SealedShare', 'holds no scalar of P-256', { cause: e });
  }
}

/**
 * Opens a share sealed to the holder of `privateKey`; DecodeError when it does not open.
 * `publicKey` (its compressed public key) saves a multiplication when the caller knows it.
 */
export function openShare(box: Uint8Array, privateKey: Uint8Array, context: Uint8Array, publicKey?: Uint8Array): bigint {
  if (nativeP256) {
    let agreed: { sharedX: Uint8Array; ownPublicKey: Uint8Array };
    try {
      agreed = nativeP256.agree(privateKey, box.subarray(0, 33));
    } catch (e) {
      throw new DecodeError('SealedShare', 'not a point on P-256', { cause: e });
    }
    return openWith(box, agreed.sharedX, publicKey ?? agreed.ownPublicKey, context);
  }
  const ephemeral = pointOf(box.subarray(0, 33), 'SealedShare');
  const v = Fn.fromBytes(privateKey);
  return openWith(box, ephemeral.multiply(v).toBytes(true).subarray(1), publicKey ?? G.multiply(v).toBytes(true), context);
}

function challenge(points: readonly Uint8Array[]): bigint {
  return Fn.create(BigInt('0x' + bytesToHex(sha256(concatBytes(PROOF_DOMAIN, ...points)))));
}

/** A recipient's complaint: its ECDH point with the box's ephemeral key, and a proof it is its own. */
export interface Complaint {
  readonly shared: Uint8Array;
  readonly c: bigint;
  readonly s: bigint;
}

/** Makes the complaint that lets anyone open the box (and nothing else of the recipient's). */
export function makeComplaint(box: Uint8Array, privateKey: Uint8Array): Complaint {
  const E = pointOf(box.subarray(0, 33), 'SealedShare');
  const v = Fn.fromBytes(privateKey);
  const V = G.multiply(v);
  const Z = E.multiply(v);
  const r = randomScalar();
  const c = challenge([G.toBytes(true), V.toBytes(true), E.toBytes(true), Z.toBytes(true), G.multiply(r).toBytes(true), E.multiply(r).toBytes(true)]);
  return { shared: Z.toBytes(true), c, s: Fn.add(r, Fn.mul(c, v)) };
}

/**
 * Judges a complaint against the dealer of `box`: 'dealer-faulty' when the recipient proved
 * the box holds no valid share for it (it does not open, or its share fails the commitments);
 * 'complaint-invalid' when the proof fails or the share is good.
 */
export function judgeComplaint(params: {
  box: Uint8Array;
  recipient: Uint8Array;
  index: number;
  commitments: readonly Uint8Array[];
  context: Uint8Array;
  complaint: Complaint;
}): 'dealer-faulty' | 'complaint-invalid' {
  const { box, recipient, index, commitments, context, complaint } = params;
  let E: Pt, V: Pt, Z: Pt;
  try {
    E = pointOf(box.subarray(0, 33), 'SealedShare');
    V = pointOf(recipient, 'Recipient');
    Z = pointOf(complaint.shared, 'Complaint');
  } catch {
    return 'complaint-invalid';
  }
  const { c, s } = complaint;
  if (c < 0n || c >= Fn.ORDER || s < 0n || s >= Fn.ORDER) return 'complaint-invalid';
  // A1 = sG - cV, A2 = sE - cZ; the proof holds when c is the challenge of these.
  const A1 = times(G, s).subtract(times(V, c));
  const A2 = times(E, s).subtract(times(Z, c));
  if (A1.is0() || A2.is0()) return 'complaint-invalid';
  if (challenge([G.toBytes(true), V.toBytes(true), E.toBytes(true), Z.toBytes(true), A1.toBytes(true), A2.toBytes(true)]) !== c) return 'complaint-invalid';
  let share: bigint;
  try {
    share = openWith(box, complaint.shared.subarray(1), V.toBytes(true), context);
  } catch {
    return 'dealer-faulty';
  }
  return verifyShare(index, share, commitments) ? 'complaint-invalid' : 'dealer-faulty';
}
