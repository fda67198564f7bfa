/** Building witnesses from private keys: single-key accounts and M-of-N (signatures in key order). */
import { bytesToHex } from '../encoding/bytes.ts';
import { getPublicKey } from '../crypto/keys.ts';
import { ScriptBuilder } from '../script/builder.ts';
import { parseMultiSigScript, parseSingleKeyScript } from '../script/accounts.ts';
import type { Witness } from './io.ts';

/** An account able to sign: its verification script and the private keys of it that we hold. */
export interface Signer {
  readonly script: Uint8Array;
  readonly keys: readonly Uint8Array[];
}

/** The invocation script of signatures given in key order. */
export function invocationScript(signatures: readonly Uint8Array[]): Uint8Array {
  const b = new ScriptBuilder();
  for (const s of signatures) b.pushData(s);
  return b.toBytes();
}

/**
 * The witness of `signer`, with `signWith(privateKey)` producing each signature. For M-of-N it
 * uses the first M keys held, in the script's key order. RangeError when the keys held cannot
 * satisfy the script, or the script is neither single-key nor M-of-N.
 */
export function witnessFor(signer: Signer, signWith: (privateKey: Uint8Array) => Uint8Array): Witness {
  const byPublic = new Map(signer.keys.map((k) => [bytesToHex(getPublicKey(k)), k]));
  const single = parseSingleKeyScript(signer.script);
  if (single) {
    const k = byPublic.get(bytesToHex(single));
    if (!k) throw new RangeError('the private key of this single-key account is not held');
    return { invocation: invocationScript([signWith(k)]), verification: signer.script };
  }
  const multi = parseMultiSigScript(signer.script);
  if (!multi) throw new RangeError('only single-key and M-of-N accounts can be signed here');
  const held = multi.keys.map((pk) => byPublic.get(bytesToHex(pk))).filter((k): k is Uint8Array => k !== undefined);
  if (held.length < multi.m) throw new RangeError(`this ${multi.m}-of-${multi.keys.length} account needs ${multi.m} keys, ${held.length} held`);
  return { invocation: invocationScript(held.slice(0, multi.m).map(signWith)), verification: signer.script };
}
