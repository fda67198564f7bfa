/**
 * Account scripts, script hashes and addresses (docs/protocol.md, "Keys, scripts, addresses";
 * whitepaper 2.1). An account is 1 to 1,024 keys: the single-key script, or M-of-N with the keys
 * sorted; the dual-key account is the 2-of-2 of the pay key (the smaller) and the query key.
 */
import { base58CheckDecode, base58CheckEncode } from '../encoding/base58.ts';
import { concatBytes, equalBytes } from '../encoding/bytes.ts';
import { DecodeError } from '../encoding/errors.ts';
import { hash160 } from '../crypto/hash.ts';
import { comparePoints, compressPublicKey, decodePublicKey } from '../crypto/keys.ts';
import { ScriptBuilder, bytesToInt, parseScript } from './builder.ts';
import { OpCode } from './opcodes.ts';

/** Most keys in an M-of-N script. */
export const MAX_MULTISIG_KEYS = 1024;

/** Address version bytes of the whitepaper's three examples; P-256 (`A...`) is the default. */
export const AddressVersion = { secp256r1: 0x17, secp256k1: 0x05, sm2: 0x3f } as const;

/** Single-key verification script: `21 <pubkey33> AC`. */
export function singleKeyScript(publicKey: Uint8Array): Uint8Array {
  const key = compressPublicKey(publicKey);
  if (key.length !== 33) throw new RangeError('a single-key account needs a real point, not infinity');
  return new ScriptBuilder().pushData(key).emit(OpCode.CHECKSIG).toBytes();
}

/** Sorts keys by the protocol's order (X then Y), compressed; RangeError on duplicates. */
export function sortPublicKeys(keys: readonly Uint8Array[]): Uint8Array[] {
  // Decode each key once (a square root for a compressed one), then sort by X, then Y.
  const sorted = keys
    .map((k) => ({ key: compressPublicKey(k), point: decodePublicKey(k) }))
    .sort((a, b) => comparePoints(a.point, b.point))
    .map((p) => p.key);
  for (let i = 1; i < sorted.length; i++) {
    if (equalBytes(sorted[i - 1], sorted[i])) throw new RangeError('the same public key is listed twice');
  }
  if (sorted.some((k) => k.length !== 33)) throw new RangeError('the point at infinity cannot be an account key');
  return sorted;
}

/** M-of-N script: `PUSH(M) 21<pk1> ... 21<pkN> PUSH(N) AE`, keys sorted, 1 <= M <= N <= 1024. */
export function multiSigScript(m: number, publicKeys: readonly Uint8Array[]): Uint8Array {
  const n = publicKeys.length;
  if (!Number.isInteger(m) || m < 1 || m > n || n > MAX_MULTISIG_KEYS) {
    throw new RangeError(`M-of-N needs 1 <= M <= N <= ${MAX_MULTISIG_KEYS}, got M=${m}, N=${n}`);
  }
  const b = new ScriptBuilder().pushInt(m);
  for (const k of sortPublicKeys(publicKeys)) b.pushData(k);
  return b.pushInt(n).emit(OpCode.CHECKMULTISIG).toBytes();
}

/** The keys of a dual-key account (whitepaper 2.1): the smaller public key pays, the larger queries. */
export interface DualKeyAccount {
  readonly payKey: Uint8Array;
  readonly queryKey: Uint8Array;
  /** The 2-of-2 verification script of the two keys. */
  readonly script: Uint8Array;
}

/** The dual-key 2-of-2 account of two public keys, with their roles fixed by key order. */
export function dualKeyAccount(keyA: Uint8Array, keyB: Uint8Array): DualKeyAccount {
  const [payKey, queryKey] = sortPublicKeys([keyA, keyB]);
  return { payKey, queryKey, script: multiSigScript(2, [payKey, queryKey]) };
}

/** Script hash = hash160(verification script), 20 raw bytes. */
export function scriptHash(script: Uint8Array): Uint8Array {
  return hash160(script);
}

/** Address = Base58Check(version || script hash). */
export function addressFromScriptHash(hash: Uint8Array, version: number = AddressVersion.secp256r1): string {
  if (hash.length !== 20) throw new RangeError('a script hash is 20 bytes');
  return base58CheckEncode(concatBytes(Uint8Array.of(version), hash));
}

/** The address of a verification script. */
export function addressFromScript(script: Uint8Array, version: number = AddressVersion.secp256r1): string {
  return addressFromScriptHash(scriptHash(script), version);
}

/** The script hash of an address; DecodeError for a bad checksum, length or version. */
export function addressToScriptHash(address: string, version: number = AddressVersion.secp256r1): Uint8Array {
  const raw = base58CheckDecode(address, 'Address');
  if (raw.length !== 21) throw new DecodeError('Address', `payload of ${raw.length} bytes, expected 21`);
  if (raw[0] !== version) throw new DecodeError('Address', `version byte 0x${raw[0].toString(16).padStart(2, '0')}, expected 0x${version.toString(16).padStart(2, '0')}`);
  return raw.slice(1);
}

/** True when `address` is a well-formed address of `version` (checksum included). */
export function isValidAddress(address: string, version: number = AddressVersion.secp256r1): boolean {
  try {
    addressToScriptHash(address, version);
    return true;
  } catch {
    return false;
  }
}

/** The key of a single-key script, or null when the script is not exactly that form. */
export function parseSingleKeyScript(script: Uint8Array): Uint8Array | null {
  if (script.length !== 35 || script[0] !== 0x21 || script[34] !== OpCode.CHECKSIG) return null;
  const key = script.subarray(1, 34);
  try {
    return equalBytes(singleKeyScript(key), script) ? key : null;
  } catch {
    return null;
  }
}

/** M and the sorted keys of a canonical M-of-N script, or null when the script is not one. */
export function parseMultiSigScript(script: Uint8Array): { m: number; keys: Uint8Array[] } | null {
  let ins;
  try {
    ins = parseScript(script);
  } catch {
    return null;
  }
  if (ins.length < 4 || ins[ins.length - 1].opcode !== OpCode.CHECKMULTISIG) return null;
  const num = (i: { opcode: number; data?: Uint8Array }): number => {
    if (i.opcode >= OpCode.PUSH1 && i.opcode <= OpCode.PUSH16) return i.opcode - OpCode.PUSH1 + 1;
    if (i.data && i.data.length <= 2) return Number(bytesToInt(i.data));
    return -1;
  };
  const m = num(ins[0]);
  const keys = ins.slice(1, -2).map((i) => i.data);
  if (keys.some((k) => k === undefined || k.length !== 33)) return null;
  try {
    const rebuilt = multiSigScript(m, keys as Uint8Array[]);
    return equalBytes(rebuilt, script) ? { m, keys: keys as Uint8Array[] } : null;
  } catch {
    return null;
  }
}
