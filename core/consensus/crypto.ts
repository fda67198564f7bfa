/**
 * A validator's consensus cryptography: its dealing for a height is derived from its private
 * key and the height (deriveScalar), so a restarted validator deals the same secret and seals the
 * same boxes, yet nobody without the key can predict it; header signatures are the ledger's
 * ECDSA P-256 (RFC 6979, low S), checked natively where the runtime can (`verifySync`).
 */
import { sign, verifySync } from '../crypto/ecdsa.ts';
import { getPublicKey } from '../crypto/keys.ts';
import { concatBytes } from '../encoding/bytes.ts';
import { deal, deriveScalar, openShare, sealShare, secretMatches, verifyShare } from './vss.ts';
import type { ConsensusCrypto } from './engine.ts';

const text = new TextEncoder();

function label(kind: string, ...numbers: number[]): Uint8Array {
  const n = new Uint8Array(4 * numbers.length);
  const v = new DataView(n.buffer);
  numbers.forEach((x, i) => v.setUint32(4 * i, x, true));
  return concatBytes(text.encode(kind), n);
}

export function validatorCrypto(privateKey: Uint8Array): ConsensusCrypto {
  const publicKey = getPublicKey(privateKey);
  return {
    deal: (height, n, k) => deal(n, k, deriveScalar(privateKey, label('secret', height)), (j) => deriveScalar(privateKey, label('coefficient', height, j))),
    seal: (share, recipient, context) => sealShare(share, recipient, context, deriveScalar(privateKey, concatBytes(text.encode('ephemeral'), recipient, context))),
    open: (box, context) => openShare(box, privateKey, context, publicKey),
    verifyShare,
    secretMatches,
    signHeader: (message) => sign(message, privateKey),
    verifyHeader: (message, signature, key) => verifySync(signature, message, key),
  };
}
