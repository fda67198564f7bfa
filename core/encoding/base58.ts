/** Base58Check with the 4-byte hash256 checksum (docs/protocol.md, "Keys, scripts, addresses"). */
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { DecodeError } from './errors.ts';

const coder = createBase58check(sha256);

/** Base58Check encoding of `payload`. */
export function base58CheckEncode(payload: Uint8Array): string {
  return coder.encode(payload);
}

/** Decodes Base58Check text; a bad character or checksum is a {@link DecodeError}. */
export function base58CheckDecode(text: string, what = 'Base58Check'): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`${what}: string expected`);
  try {
    return coder.decode(text);
  } catch (e) {
    throw new DecodeError(what, e instanceof Error ? e.message : String(e), { cause: e });
  }
}
