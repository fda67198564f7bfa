import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { p256 } from '@noble/curves/nist.js';
import { gcm } from '@noble/ciphers/aes.js';
import { DecodeError } from '../core/encoding/index.ts';
import { generatePrivateKey, getPublicKey } from '../core/crypto/index.ts';
import { deal, judgeComplaint, makeComplaint, openShare, reconstruct, sealShare, secretMatches, verifyShare } from '../core/consensus/vss.ts';

const n = p256.Point.Fn.ORDER;
const context = new TextEncoder().encode('height 7, round 0, dealer 2, recipient 3');

describe('Feldman VSS on P-256', () => {
  it('every share checks out, any K rebuild the secret, fewer do not', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 }), fc.nat(), fc.nat(), (size, kSeed, pickSeed) => {
      const k = 1 + (kSeed % size);
      const d = deal(size, k);
      expect(secretMatches(d.secret, d.commitments)).toBe(true);
      d.shares.forEach((s, i) => expect(verifyShare(i + 1, s, d.commitments)).toBe(true));
      // A K-subset chosen from the seed.
      const order = d.shares.map((share, i) => ({ index: i + 1, share })).sort((a, b) => ((a.index * 7919 + pickSeed) % 97) - ((b.index * 7919 + pickSeed) % 97));
      expect(reconstruct(order.slice(0, k), k)).toBe(d.secret);
      if (k > 1) expect(() => reconstruct(order.slice(0, k - 1), k)).toThrow(RangeError);
    }), { numRuns: 40 });
  });

  it('a changed share, a share for another index or a wrong secret fails the commitments', () => {
    const d = deal(4, 2);
    expect(verifyShare(1, (d.shares[0] + 1n) % n, d.commitments)).toBe(false);
    expect(verifyShare(2, d.shares[0], d.commitments)).toBe(false);
    expect(verifyShare(0, d.shares[0], d.commitments)).toBe(false);
    expect(secretMatches((d.secret + 1n) % n, d.commitments)).toBe(false);
    // With one wrong share among K, the rebuilt secret is not the dealt one (and the commitment shows it).
    const wrong = reconstruct([{ index: 1, share: (d.shares[0] + 5n) % n }, { index: 2, share: d.shares[1] }], 2);
    expect(wrong).not.toBe(d.secret);
    expect(secretMatches(wrong, d.commitments)).toBe(false);
  });
});

describe('shares sealed to a validator', () => {
  const v = generatePrivateKey();
  const V = getPublicKey(v);

  it('open with the right key and context, and nowhere else', () => {
    const d = deal(4, 2);
    const box = sealShare(d.shares[2], V, context);
    expect(box.length).toBe(93);
    expect(openShare(box, v, context)).toBe(d.shares[2]);
    expect(() => openShare(box, generatePrivateKey(), context)).toThrow(DecodeError);
    expect(() => openShare(box, v, new TextEncoder().encode('another round'))).toThrow(DecodeError);
    const tampered = Uint8Array.from(box);
    tampered[60] ^= 1;
    expect(() => openShare(tampered, v, context)).toThrow(DecodeError);
  });

  it('seal to a recipient seen before (its point kept) and open with the public key given: the same shares', () => {
    const d = deal(4, 2);
    for (let round = 0; round < 3; round++) {
      const box = sealShare(d.shares[round], V, context);
      expect(openShare(box, v, context, V)).toBe(d.shares[round]);
      expect(openShare(box, v, context)).toBe(d.shares[round]);
      // Another public key given with this private key: the box does not open (the key is bound to the recipient).
      expect(() => openShare(box, v, context, getPublicKey(generatePrivateKey()))).toThrow(DecodeError);
    }
    // A key that is not a point is still refused, whether kept or not.
    const notAPoint = Uint8Array.from(V);
    notAPoint[0] = 0x05;
    expect(() => sealShare(1n, notAPoint, context)).toThrow(DecodeError);
  });

  it('a recipient proves a bad share, and cannot accuse an honest dealer', () => {
    const d = deal(4, 2);
    const honest = sealShare(d.shares[2], V, context);
    const bad = sealShare((d.shares[2] + 1n) % n, V, context);
    const judge = (box: Uint8Array, complaint = makeComplaint(box, v), recipient = V) =>
      judgeComplaint({ box, recipient, index: 3, commitments: d.commitments, context, complaint });
    expect(judge(bad)).toBe('dealer-faulty');
    expect(judge(honest)).toBe('complaint-invalid');
    // A complaint with another point, or another validator's proof, proves nothing.
    const c = makeComplaint(bad, v);
    expect(judge(bad, { ...c, shared: getPublicKey(generatePrivateKey()) })).toBe('complaint-invalid');
    expect(judge(bad, { ...c, s: (c.s + 1n) % n })).toBe('complaint-invalid');
    expect(judge(bad, makeComplaint(bad, generatePrivateKey()))).toBe('complaint-invalid');
    // A box of garbage under the recipient's key is the dealer's fault too.
    const garbage = Uint8Array.from(honest);
    garbage.set(gcm(new Uint8Array(32), new Uint8Array(12)).encrypt(new Uint8Array(32)), 45);
    expect(judge(garbage)).toBe('dealer-faulty');
  });
});
