/** P-256 key agreement, for stealth payments (docs/wallet.md) and share encryption in consensus. */
import { curveOf, decodePublicKey, type CurveName } from './keys.ts';
import { DecodeError } from '../encoding/errors.ts';

/**
 * The shared secret's X coordinate (32 bytes) of `privateKey` and `publicKey`.
 * Refuses, with a DecodeError, a public key that is not on the curve or is the point at infinity.
 */
export function ecdh(privateKey: Uint8Array, publicKey: Uint8Array, curve: CurveName = 'secp256r1'): Uint8Array {
  if (decodePublicKey(publicKey, curve) === null) throw new DecodeError('PublicKey', 'the point at infinity has no shared secret');
  const point = curveOf(curve).getSharedSecret(privateKey, publicKey, true);
  return point.subarray(1);
}
