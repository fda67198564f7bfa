/**
 * P-256 from the runtime's native crypto where it is there synchronously: Node's `node:crypto`
 * (OpenSSL, the same code Node's WebCrypto runs, which checks every transaction's signature).
 * A validator agrees keys and checks header signatures several times a block, inside the
 * consensus's synchronous steps; there, @noble/curves costs 2.4 ms per ECDH and 1.9 ms per
 * verification on this machine against 0.12 ms and 0.08 ms native (`node bench/_c.ts` in the
 * session note of issue 4). Browsers have no synchronous native P-256: there `nativeP256` is
 * undefined and the callers use noble. Both give the same answers: the tests run the Wycheproof
 * vectors and random keys through both.
 *
 * Only SEC1 encodings noble accepts are passed on (02/03 + 32 bytes, 04 + 64 bytes); OpenSSL
 * also takes "hybrid" 06/07 points, which no node of this network may accept and another refuse.
 */
import { bytesToHex } from '../encoding/bytes.ts';
import { setBounded } from '../util/bounded.ts';

/** What `node:crypto` offers that is used here (typed here: core is also built for browsers). */
interface NodeCrypto {
  createECDH(curve: string): {
    setPrivateKey(key: Uint8Array): void;
    getPublicKey(encoding: null, format: 'compressed'): Uint8Array;
    computeSecret(publicKey: Uint8Array): Uint8Array;
  };
  createPublicKey(options: { key: Uint8Array; format: 'der'; type: 'spki' }): object;
  verify(algorithm: string, data: Uint8Array, key: { key: object; dsaEncoding: 'ieee-p1363' }, signature: Uint8Array): boolean;
}

export interface NativeP256 {
  /**
   * ECDH of a private scalar (32 bytes) with a SEC1 public key: the shared point's X coordinate
   * and the scalar's own compressed public key. Throws on a public key that is not on the curve.
   */
  agree(privateKey: Uint8Array, publicKey: Uint8Array): { sharedX: Uint8Array; ownPublicKey: Uint8Array };
  /** ECDSA over SHA-256(message), 64-byte r||s, high S accepted; false for anything malformed. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

/** True for the SEC1 encodings every path accepts. */
function sec1(publicKey: Uint8Array): boolean {
  return (publicKey.length === 33 && (publicKey[0] === 2 || publicKey[0] === 3)) || (publicKey.length === 65 && publicKey[0] === 4);
}

// SubjectPublicKeyInfo for id-ecPublicKey on prime256v1, before the BIT STRING's point.
const SPKI_COMPRESSED = Uint8Array.from([0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x22, 0x00]);
const SPKI_UNCOMPRESSED = Uint8Array.from([0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00]);

/** Keys kept parsed (validators' keys: the same few each block); a key that fails is kept as null. */
const KEYS_KEPT = 256;

function make(crypto: NodeCrypto): NativeP256 {
  const keys = new Map<string, object | null>();
  const keyOf = (publicKey: Uint8Array): object | null => {
    const id = bytesToHex(publicKey);
    let key = keys.get(id);
    if (key === undefined) {
      const prefix = publicKey.length === 33 ? SPKI_COMPRESSED : SPKI_UNCOMPRESSED;
      const der = new Uint8Array(prefix.length + publicKey.length);
      der.set(prefix);
      der.set(publicKey, prefix.length);
      try {
        key = crypto.createPublicKey({ key: der, format: 'der', type: 'spki' }); // checks the point is on the curve
      } catch {
        key = null;
      }
      setBounded(keys, id, key, KEYS_KEPT);
    }
    return key;
  };
  return {
    agree(privateKey, publicKey) {
      if (!sec1(publicKey)) throw new RangeError('not a SEC1 public key');
      const ecdh = crypto.createECDH('prime256v1');
      ecdh.setPrivateKey(privateKey);
      const sharedX = new Uint8Array(ecdh.computeSecret(publicKey)); // throws off the curve
      return { sharedX, ownPublicKey: new Uint8Array(ecdh.getPublicKey(null, 'compressed')) };
    },
    verify(signature, message, publicKey) {
      if (signature.length !== 64 || !sec1(publicKey)) return false;
      const key = keyOf(publicKey);
      if (key === null) return false;
      try {
        return crypto.verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
      } catch {
        return false;
      }
    },
  };
}

type WithBuiltins = { process?: { getBuiltinModule?: (id: string) => unknown } };

/** Native P-256 in this runtime (Node), or undefined (browsers). */
export const nativeP256: NativeP256 | undefined = (() => {
  const crypto = (globalThis as WithBuiltins).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  return typeof crypto?.createECDH === 'function' && typeof crypto.verify === 'function' ? make(crypto) : undefined;
})();
