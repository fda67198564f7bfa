/**
 * Noise's crypto for the page's peer: noise's own (noble) for everything but making X25519 key
 * pairs, which come from the browser's WebCrypto, made ahead of time off the page's thread. The
 * first X25519 public key noble computes builds a table of multiples of the base point (about a
 * tenth of a second on a phone, in one task, on the thread the user taps on); the keys are the
 * same kind either way (RFC 7748), and the shared secrets are still noble's.
 */
import { pureJsCrypto, type ICryptoInterface } from '@chainsafe/libp2p-noise';

interface KeyPair { publicKey: Uint8Array; privateKey: Uint8Array }

/** One X25519 key pair from WebCrypto: the raw public key, and the private key from its PKCS#8 (the last 32 bytes, RFC 8410). */
async function webCryptoPair(): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { publicKey, privateKey: pkcs8.slice(pkcs8.length - 32) };
}

/**
 * A noise crypto with `ready` key pairs made in advance (the static key, and one per handshake:
 * each handshake makes a fresh ephemeral pair), refilled as they are used. When none is ready
 * (many handshakes at once, or no X25519 in this browser's WebCrypto), noble makes one as usual.
 */
export async function noiseCryptoWithWebCryptoKeys(ready = 4): Promise<ICryptoInterface> {
  const pool: KeyPair[] = [];
  let supported = true;
  const refill = async () => {
    while (supported && pool.length < ready) {
      try {
        pool.push(await webCryptoPair());
      } catch {
        supported = false;
      }
    }
  };
  await refill();
  let refilling: Promise<void> | undefined;
  return {
    ...pureJsCrypto,
    generateX25519KeyPair() {
      const pair = pool.shift();
      refilling ??= refill().finally(() => (refilling = undefined));
      return pair ?? pureJsCrypto.generateX25519KeyPair();
    },
  };
}
