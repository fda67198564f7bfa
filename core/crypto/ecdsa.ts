/**
 * ECDSA over SHA-256 with 64-byte r||s signatures (IEEE P1363), docs/protocol.md.
 *
 * Signing uses @noble/curves (deterministic RFC 6979, low-S). Verification accepts low-S and
 * high-S alike, on every path: WebCrypto (fast: ~9,000/s in Node, ~12,900/s in Chromium, against
 * ~500-1,250/s for noble) where the runtime has P-256, @noble/curves with `lowS: false` otherwise.
 * Both paths are run against the Wycheproof vectors and against each other in the tests, so
 * that no two nodes can disagree about a signature.
 */
import { curveOf, decodePublicKey, uncompressPublicKey, type CurveName } from './keys.ts';
import { bytesToHex } from '../encoding/bytes.ts';
import { nativeP256 } from './native.ts';
import { setBounded } from '../util/bounded.ts';

/** Length of a signature: r || s, 32 bytes each. */
export const SIGNATURE_LENGTH = 64;

/** Signs SHA-256(message) with `privateKey`; returns 64-byte r||s with low S. */
export function sign(message: Uint8Array, privateKey: Uint8Array, curve: CurveName = 'secp256r1'): Uint8Array {
  return curveOf(curve).sign(message, privateKey, { prehash: true, lowS: true, format: 'compact' });
}

/** Verifies with @noble/curves alone (the fallback and the reference path); never throws on bad input. */
export function verifyNoble(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, curve: CurveName = 'secp256r1'): boolean {
  if (signature.length !== SIGNATURE_LENGTH) return false;
  try {
    if (decodePublicKey(publicKey, curve) === null) return false;
    return curveOf(curve).verify(signature, message, publicKey, { prehash: true, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

/**
 * Verifies synchronously: with the runtime's native P-256 where there is one (Node), else with
 * noble; the same answers either way (the tests hold both to the Wycheproof vectors).
 */
export function verifySync(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  return nativeP256 ? nativeP256.verify(signature, message, publicKey) : verifyNoble(signature, message, publicKey);
}

/** One signature to check. */
export interface VerifyItem {
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
}

type Subtle = SubtleCrypto;
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * P-256 signature verifier over WebCrypto, with a cache of imported keys (an import costs about
 * as much as a verification) and a fallback to @noble/curves where WebCrypto lacks P-256.
 * Keys that fail to import (not on the curve, infinity) verify nothing.
 */
export class SignatureVerifier {
  readonly #subtle: Subtle | undefined;
  readonly #keys = new Map<string, Promise<CryptoKey | null>>();
  readonly #maxKeys: number;
  #webCrypto: boolean;

  /** `maxKeys` bounds the cache; `useWebCrypto: false` forces the noble path; `subtle` replaces the runtime's. */
  constructor(options: { maxKeys?: number; useWebCrypto?: boolean; subtle?: SubtleCrypto } = {}) {
    this.#subtle = options.subtle ?? globalThis.crypto?.subtle;
    this.#maxKeys = options.maxKeys ?? 65_536;
    this.#webCrypto = options.useWebCrypto !== false && this.#subtle !== undefined;
  }

  /** Which implementation verifies: 'webcrypto' or 'noble'. */
  get backend(): 'webcrypto' | 'noble' {
    return this.#webCrypto ? 'webcrypto' : 'noble';
  }

  #importKey(publicKey: Uint8Array): Promise<CryptoKey | null> {
    const id = bytesToHex(publicKey);
    let key = this.#keys.get(id);
    if (key) return key;
    key = (async () => {
      if (publicKey.length !== 33 && publicKey.length !== 65) return null; // infinity or malformed: verifies nothing
      try {
        // Node and Chromium import compressed points (SEC1 2.3.4) and check them: no square root here.
        return await this.#subtle!.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, ECDSA_P256, false, ['verify']);
      } catch (e) {
        if (isUnsupported(e) && publicKey.length === 65) throw e; // this WebCrypto lacks P-256
        // A runtime that imports only uncompressed points: decompress (noble checks the point), retry.
        let raw: Uint8Array;
        try {
          raw = uncompressPublicKey(publicKey);
        } catch {
          return null; // not a point on the curve
        }
        if (raw === publicKey) return null;
        return this.#subtle!.importKey('raw', raw as Uint8Array<ArrayBuffer>, ECDSA_P256, false, ['verify']);
      }
    })();
    setBounded(this.#keys, id, key, this.#maxKeys);
    return key;
  }

  /** Verifies one signature over SHA-256(message); false for any malformed part. */
  async verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
    if (signature.length !== SIGNATURE_LENGTH) return false;
    if (!this.#webCrypto) return verifyNoble(signature, message, publicKey);
    let key: CryptoKey | null;
    try {
      key = await this.#importKey(publicKey);
    } catch (e) {
      if (isUnsupported(e)) {
        this.#webCrypto = false; // this runtime's WebCrypto lacks P-256: noble from now on
        return verifyNoble(signature, message, publicKey);
      }
      return false;
    }
    if (key === null) return false;
    try {
      return await this.#subtle!.verify(ECDSA_SHA256, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
    } catch {
      return false;
    }
  }

  /** Verifies many signatures with up to `concurrency` in flight; results in input order. */
  async verifyMany(items: readonly VerifyItem[], concurrency = 64): Promise<boolean[]> {
    const results = new Array<boolean>(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        const it = items[i];
        results[i] = await this.verify(it.signature, it.message, it.publicKey);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    return results;
  }
}

function isUnsupported(e: unknown): boolean {
  return e instanceof Error && (e.name === 'NotSupportedError' || /not supported|unsupported/i.test(e.message));
}

let shared: SignatureVerifier | undefined;
/** The process-wide verifier (one key cache per page or process). */
export function defaultVerifier(): SignatureVerifier {
  return (shared ??= new SignatureVerifier());
}

/** Replaces the process-wide verifier (a browser page: one that verifies in workers). */
export function setDefaultVerifier(verifier: SignatureVerifier): void {
  shared = verifier;
}
