import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SHARED_VECTORS, readJson, type WycheproofEcdsa } from './helpers.ts';
import { hexToBytes, bytesToHex } from '../core/encoding/index.ts';
import {
  SignatureVerifier, compressPublicKey, ecdh, getPublicKey, privateKeyFromHex, privateKeyFromWif,
  generatePrivateKey, privateKeyToWif, sign, verifyNoble, verifySync,
} from '../core/crypto/index.ts';
import { nativeP256 } from '../core/crypto/native.ts';
import { DecodeError } from '../core/encoding/errors.ts';

const p256 = readJson<WycheproofEcdsa>(join(SHARED_VECTORS, 'wycheproof', 'ecdsa_secp256r1_sha256_p1363_test.json'));
const k1 = readJson<WycheproofEcdsa>(join(SHARED_VECTORS, 'wycheproof', 'ecdsa_secp256k1_sha256_p1363_test.json'));

function cases(file: WycheproofEcdsa) {
  return file.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, pub: hexToBytes(g.publicKey.uncompressed) })));
}

describe('Wycheproof ECDSA P-256 / SHA-256 (P1363)', () => {
  const all = cases(p256);

  it('has the 262 published cases', () => expect(all.length).toBe(262));

  it('noble path: every valid case verifies, every invalid one does not', () => {
    for (const t of all) {
      const ok = verifyNoble(hexToBytes(t.sig), hexToBytes(t.msg), t.pub);
      expect(ok, `tcId ${t.tcId} ${t.comment}`).toBe(t.result === 'valid');
    }
  });

  it('WebCrypto path: the same answers, also with compressed keys', async () => {
    const v = new SignatureVerifier();
    expect(v.backend).toBe('webcrypto');
    const results = await v.verifyMany(all.map((t) => ({ signature: hexToBytes(t.sig), message: hexToBytes(t.msg), publicKey: t.pub })));
    all.forEach((t, i) => expect(results[i], `tcId ${t.tcId} ${t.comment}`).toBe(t.result === 'valid'));
    const compressed = await v.verifyMany(all.map((t) => ({ signature: hexToBytes(t.sig), message: hexToBytes(t.msg), publicKey: compressPublicKey(t.pub) })));
    expect(compressed).toEqual(results);
  });

  it('native path (node:crypto, for synchronous checks in consensus): the same answers, also with compressed keys', () => {
    expect(nativeP256).toBeDefined();
    for (const t of all) {
      const [sig, msg] = [hexToBytes(t.sig), hexToBytes(t.msg)];
      expect(nativeP256!.verify(sig, msg, t.pub), `tcId ${t.tcId} ${t.comment}`).toBe(t.result === 'valid');
      expect(nativeP256!.verify(sig, msg, compressPublicKey(t.pub)), `tcId ${t.tcId} compressed`).toBe(t.result === 'valid');
      expect(verifySync(sig, msg, t.pub)).toBe(t.result === 'valid');
    }
    // Encodings noble refuses are refused here too, though OpenSSL would take a hybrid point.
    const t = all.find((c) => c.result === 'valid')!;
    const hybrid = Uint8Array.from(t.pub);
    hybrid[0] = 6 + (t.pub[64] & 1);
    expect(verifyNoble(hexToBytes(t.sig), hexToBytes(t.msg), hybrid)).toBe(false);
    expect(nativeP256!.verify(hexToBytes(t.sig), hexToBytes(t.msg), hybrid)).toBe(false);
    expect(nativeP256!.verify(hexToBytes(t.sig), hexToBytes(t.msg), new Uint8Array(33))).toBe(false);
  });

  it('on a runtime that imports only uncompressed points, compressed keys still verify (decompressed first)', async () => {
    const real = globalThis.crypto.subtle;
    // Real WebCrypto, refusing compressed points as some runtimes do.
    const older = {
      importKey: (format: 'raw', data: Uint8Array, alg: EcKeyImportParams, extractable: boolean, usages: KeyUsage[]) => {
        if (data.length === 33) return Promise.reject(new DOMException('compressed points are not supported', 'DataError'));
        return real.importKey(format, data as Uint8Array<ArrayBuffer>, alg, extractable, usages);
      },
      verify: real.verify.bind(real),
    } as unknown as SubtleCrypto;
    const v = new SignatureVerifier({ subtle: older });
    const results = await v.verifyMany(all.map((t) => ({ signature: hexToBytes(t.sig), message: hexToBytes(t.msg), publicKey: compressPublicKey(t.pub) })));
    all.forEach((t, i) => expect(results[i], `tcId ${t.tcId}`).toBe(t.result === 'valid'));
    expect(await v.verify(hexToBytes(all[0].sig), hexToBytes(all[0].msg), Uint8Array.of(2, ...new Uint8Array(32).fill(0xff)))).toBe(false);
  });

  it('a verifier forced onto noble gives the same answers', async () => {
    const v = new SignatureVerifier({ useWebCrypto: false });
    expect(v.backend).toBe('noble');
    const results = await v.verifyMany(all.map((t) => ({ signature: hexToBytes(t.sig), message: hexToBytes(t.msg), publicKey: t.pub })));
    all.forEach((t, i) => expect(results[i], `tcId ${t.tcId}`).toBe(t.result === 'valid'));
  });
});

describe('Wycheproof ECDSA secp256k1 / SHA-256 (P1363)', () => {
  it('noble path agrees with every case', () => {
    const all = cases(k1);
    expect(all.length).toBe(252);
    for (const t of all) {
      const ok = verifyNoble(hexToBytes(t.sig), hexToBytes(t.msg), t.pub, 'secp256k1');
      expect(ok, `tcId ${t.tcId} ${t.comment}`).toBe(t.result === 'valid');
    }
  });
});

interface WycheproofEcdh {
  testGroups: { tests: { tcId: number; comment: string; public: string; private: string; shared: string; result: string }[] }[];
}

// The only SubjectPublicKeyInfo encodings of a P-256 key we accept: id-ecPublicKey + prime256v1,
// then the point, uncompressed (65 bytes) or compressed (33 bytes). Everything else is refused.
const SPKI_UNCOMPRESSED = '3059301306072a8648ce3d020106082a8648ce3d030107034200';
const SPKI_COMPRESSED = '3039301306072a8648ce3d020106082a8648ce3d030107032200';
function pointFromSpki(der: string): Uint8Array {
  if (der.startsWith(SPKI_UNCOMPRESSED) && der.length === SPKI_UNCOMPRESSED.length + 130) return hexToBytes(der.slice(SPKI_UNCOMPRESSED.length));
  if (der.startsWith(SPKI_COMPRESSED) && der.length === SPKI_COMPRESSED.length + 66) return hexToBytes(der.slice(SPKI_COMPRESSED.length));
  throw new DecodeError('SubjectPublicKeyInfo', 'not a plain P-256 key');
}

describe('Wycheproof ECDH P-256', () => {
  const file = readJson<WycheproofEcdh>(join(SHARED_VECTORS, 'wycheproof', 'ecdh_secp256r1_test.json'));
  const all = file.testGroups.flatMap((g) => g.tests);

  it('valid cases give the published secret, invalid ones are refused with a DecodeError', () => {
    let valid = 0;
    let invalid = 0;
    for (const t of all) {
      // Wycheproof writes scalars as ASN.1 integers: a leading 00 byte may stand before 32 bytes.
      const priv = hexToBytes(t.private.padStart(64, '0').slice(-64));
      const run = () => bytesToHex(ecdh(priv, pointFromSpki(t.public)));
      if (t.result === 'valid') {
        expect(run(), `tcId ${t.tcId} ${t.comment}`).toBe(t.shared);
        valid++;
      } else if (t.result === 'invalid') {
        expect(run, `tcId ${t.tcId} ${t.comment}`).toThrow(DecodeError);
        invalid++;
      }
    }
    expect(valid).toBe(330);
    expect(invalid).toBe(52);
  });

  it('the native path agrees: the published secrets, and a refusal for every invalid point', () => {
    let valid = 0;
    let invalid = 0;
    for (const t of all) {
      const priv = hexToBytes(t.private.padStart(64, '0').slice(-64));
      const run = () => bytesToHex(nativeP256!.agree(priv, pointFromSpki(t.public)).sharedX);
      if (t.result === 'valid') {
        expect(run(), `tcId ${t.tcId} ${t.comment}`).toBe(t.shared);
        valid++;
      } else if (t.result === 'invalid') {
        expect(run, `tcId ${t.tcId} ${t.comment}`).toThrow();
        invalid++;
      }
    }
    expect([valid, invalid]).toEqual([330, 52]);
  });

  it('the native path and noble agree on random keys, and on the own public key', () => {
    for (let i = 0; i < 20; i++) {
      const [a, b] = [generatePrivateKey(), generatePrivateKey()];
      const agreed = nativeP256!.agree(a, getPublicKey(b));
      expect(bytesToHex(agreed.sharedX)).toBe(bytesToHex(ecdh(a, getPublicKey(b))));
      expect(bytesToHex(agreed.ownPublicKey)).toBe(bytesToHex(getPublicKey(a)));
    }
  });
});

interface KeyVectors {
  keys: { privateKey: string; wif: string; publicKey: string }[];
}

describe('published Antshares key vectors: keys', () => {
  const { keys } = readJson<KeyVectors>(join(SHARED_VECTORS, 'keys.json'));
  it.each(keys)('$wif', (k) => {
    const priv = privateKeyFromHex(k.privateKey);
    expect(privateKeyToWif(priv)).toBe(k.wif);
    expect(bytesToHex(privateKeyFromWif(k.wif))).toBe(k.privateKey);
    expect(bytesToHex(getPublicKey(priv))).toBe(k.publicKey);
  });
});

describe('signing', () => {
  it('produces low-S signatures that both paths accept, and a flipped bit that both refuse', async () => {
    const priv = privateKeyFromHex('7d128a6d096f0c14c3a25a2b0c41cf79661bfcb4a8cc95aaaea28bde4d732344');
    const pub = getPublicKey(priv);
    const v = new SignatureVerifier();
    for (let i = 0; i < 20; i++) {
      const msg = new TextEncoder().encode(`message ${i}`);
      const sig = sign(msg, priv);
      const s = BigInt('0x' + bytesToHex(sig.subarray(32)));
      expect(s <= 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n / 2n).toBe(true);
      expect(verifyNoble(sig, msg, pub)).toBe(true);
      expect(await v.verify(sig, msg, pub)).toBe(true);
      const bad = Uint8Array.from(sig);
      bad[i % 64] ^= 1;
      expect(verifyNoble(bad, msg, pub)).toBe(false);
      expect(await v.verify(bad, msg, pub)).toBe(false);
    }
  });
  it('WIF with a bad checksum or suffix is a DecodeError', () => {
    expect(() => privateKeyFromWif('L1QqQJnpBwbsPGAuutuzPTac8piqvbR1HRjrY5qHup48TBCBFe4h')).toThrow(DecodeError);
    expect(() => privateKeyFromWif('not base58 0OIl')).toThrow(DecodeError);
  });
});

describe('verification items for the Web Workers', () => {
  it('pack into one buffer and unpack to the same bytes, in order', async () => {
    const fc = (await import('fast-check')).default;
    const { packItems, unpackItems } = await import('../core/crypto/pool.ts');
    const item = fc.tuple(fc.uint8Array({ maxLength: 72 }), fc.uint8Array({ maxLength: 70_000 }), fc.uint8Array({ maxLength: 65 }));
    fc.assert(fc.property(fc.array(item, { maxLength: 20 }), (items) => {
      const packed = packItems(items.map(([s, m, k]) => [s, m, k] as const));
      expect(unpackItems(packed)).toEqual(items);
    }), { numRuns: 100 });
    // Views of a larger buffer are copied out (posting them would clone the whole buffer).
    const big = new Uint8Array(1 << 16).map((_, i) => i);
    const packed = packItems([[big.subarray(0, 64), big.subarray(100, 200), big.subarray(300, 333)]]);
    expect(packed.length).toBe(6 + 64 + 100 + 33);
    expect(() => unpackItems(packed.subarray(0, packed.length - 1))).toThrow(RangeError);
  });
});

describe('hash256 with its reused hasher', () => {
  it('equals SHA-256 twice over, for any input and pair, calls interleaved', async () => {
    const fc = (await import('fast-check')).default;
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const { hash256, hash256Pair } = await import('../core/crypto/hash.ts');
    const ref = (x: Uint8Array) => bytesToHex(sha256(sha256(x)));
    // Lengths around the 64-byte block and the 56-byte padding edge, and longer.
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 130 }), fc.uint8Array({ minLength: 50, maxLength: 70 }), fc.uint8Array({ maxLength: 3000 }));
    fc.assert(fc.property(bytes, bytes, (a, b) => {
      expect(bytesToHex(hash256(a))).toBe(ref(a));
      expect(bytesToHex(hash256Pair(a, b))).toBe(ref(Uint8Array.from([...a, ...b])));
      expect(bytesToHex(hash256(b))).toBe(ref(b));
    }), { numRuns: 300 });
    // The published value: hash256 of the empty string.
    expect(bytesToHex(hash256(new Uint8Array(0)))).toBe('5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456');
  });
});
