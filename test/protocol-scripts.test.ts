import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { SHARED_VECTORS, readJson } from './helpers.ts';
import { DecodeError, bytesToHex, hexToBytes, uintToString } from '../core/encoding/index.ts';
import { SignatureVerifier, comparePublicKeys, generatePrivateKey, getPublicKey, privateKeyFromHex, sign, uncompressPublicKey } from '../core/crypto/index.ts';
import {
  AddressVersion, OpCode, ScriptBuilder, addressFromScript, addressToScriptHash, bytesToInt, dualKeyAccount, intToBytes,
  isValidAddress, multiSigScript, parseMultiSigScript, parseSingleKeyScript, runWitness, scriptHash, singleKeyScript,
} from '../core/script/index.ts';
import { invocationScript } from '../core/tx/sign.ts';

interface KeyVector {
  privateKey: string; publicKey: string; verificationScript: string; scriptHashRaw: string; scriptHash: string; address: string;
}
const { keys } = readJson<{ keys: KeyVector[] }>(join(SHARED_VECTORS, 'keys.json'));

describe('published Antshares key vectors: scripts and addresses', () => {
  it.each(keys)('$address', (k) => {
    const script = singleKeyScript(hexToBytes(k.publicKey));
    expect(bytesToHex(script)).toBe(k.verificationScript);
    expect(bytesToHex(scriptHash(script))).toBe(k.scriptHashRaw);
    expect(uintToString(scriptHash(script))).toBe(k.scriptHash);
    expect(addressFromScript(script)).toBe(k.address);
    expect(bytesToHex(addressToScriptHash(k.address))).toBe(k.scriptHashRaw);
    // The same key given uncompressed gives the same (compressed) script.
    expect(singleKeyScript(uncompressPublicKey(hexToBytes(k.publicKey)))).toEqual(script);
  });

  it('addresses of another version, a bad checksum or a bad length are refused', () => {
    const a = keys[0].address;
    expect(isValidAddress(a)).toBe(true);
    expect(() => addressToScriptHash(a, AddressVersion.secp256k1)).toThrow(/version byte 0x17, expected 0x05/);
    expect(() => addressToScriptHash(a.slice(0, -1) + (a.endsWith('g') ? 'h' : 'g'))).toThrow(DecodeError);
    expect(isValidAddress('A')).toBe(false);
  });
});

describe('integers in scripts', () => {
  it('push small numbers as opcodes and larger ones as minimal bytes (17 -> 01 11)', () => {
    expect(bytesToHex(new ScriptBuilder().pushInt(0).toBytes())).toBe('00');
    expect(bytesToHex(new ScriptBuilder().pushInt(16).toBytes())).toBe('60');
    expect(bytesToHex(new ScriptBuilder().pushInt(17).toBytes())).toBe('0111');
    expect(bytesToHex(new ScriptBuilder().pushInt(128).toBytes())).toBe('028000');
    expect(bytesToHex(new ScriptBuilder().pushInt(1024).toBytes())).toBe('020004');
    fc.assert(fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (n) => {
      expect(bytesToInt(intToBytes(n))).toBe(n);
    }));
  });
});

describe('M-of-N and dual-key accounts', () => {
  const priv = Array.from({ length: 5 }, () => generatePrivateKey());
  const pubs = priv.map((k) => getPublicKey(k));

  it('sorts keys, so the script does not depend on the order given', () => {
    const a = multiSigScript(3, pubs);
    const b = multiSigScript(3, [...pubs].reverse());
    expect(a).toEqual(b);
    const parsed = parseMultiSigScript(a)!;
    expect(parsed.m).toBe(3);
    for (let i = 1; i < parsed.keys.length; i++) expect(comparePublicKeys(parsed.keys[i - 1], parsed.keys[i])).toBeLessThan(0);
  });

  it('bounds M and N: 1 <= M <= N <= 1024, no key twice', () => {
    expect(() => multiSigScript(0, pubs)).toThrow(RangeError);
    expect(() => multiSigScript(6, pubs)).toThrow(RangeError);
    expect(() => multiSigScript(2, [pubs[0], pubs[0]])).toThrow(/twice/);
    const many = Array.from({ length: 1025 }, (_, i) => getPublicKey(privateKeyFromHex((i + 1).toString(16).padStart(64, '0'))));
    expect(() => multiSigScript(1, many)).toThrow(RangeError);
    const max = multiSigScript(1024, many.slice(0, 1024));
    expect(parseMultiSigScript(max)?.keys.length).toBe(1024);
    expect(bytesToHex(max.subarray(-4))).toBe('020004ae');
  });

  it('the dual-key account names the smaller key the pay key', () => {
    const acc = dualKeyAccount(pubs[0], pubs[1]);
    expect(comparePublicKeys(acc.payKey, acc.queryKey)).toBeLessThan(0);
    expect(dualKeyAccount(pubs[1], pubs[0])).toEqual(acc);
    expect(parseMultiSigScript(acc.script)).toEqual({ m: 2, keys: [acc.payKey, acc.queryKey] });
  });

  it('parsers refuse scripts that are not exactly the canonical form', () => {
    const single = singleKeyScript(pubs[0]);
    expect(parseSingleKeyScript(single)).toEqual(pubs[0]);
    expect(parseSingleKeyScript(Uint8Array.of(...single.subarray(0, 34), OpCode.CHECKMULTISIG))).toBeNull();
    const multi = multiSigScript(2, pubs.slice(0, 3));
    const unsorted = new ScriptBuilder().pushInt(2);
    for (const k of [...parseMultiSigScript(multi)!.keys].reverse()) unsorted.pushData(k);
    expect(parseMultiSigScript(unsorted.pushInt(3).emit(OpCode.CHECKMULTISIG).toBytes())).toBeNull();
  });
});

describe('the witness VM', () => {
  const v = new SignatureVerifier();
  const priv = Array.from({ length: 4 }, () => generatePrivateKey());
  const pubs = priv.map((k) => getPublicKey(k));
  const msg = new TextEncoder().encode('the signed bytes');

  it('passes a single-key witness and fails a wrong signature or message', async () => {
    const script = singleKeyScript(pubs[0]);
    const sig = sign(msg, priv[0]);
    expect(await runWitness(invocationScript([sig]), script, msg, v)).toEqual({ ok: true });
    expect((await runWitness(invocationScript([sign(msg, priv[1])]), script, msg, v)).ok).toBe(false);
    expect((await runWitness(invocationScript([sig]), script, new Uint8Array(3), v)).ok).toBe(false);
  });

  it('passes M-of-N signatures in key order, fails them out of order or too few', async () => {
    const script = multiSigScript(2, pubs.slice(0, 3));
    const order = parseMultiSigScript(script)!.keys.map((k) => priv[pubs.findIndex((p) => bytesToHex(p) === bytesToHex(k))]);
    const s = order.map((k) => sign(msg, k));
    expect(await runWitness(invocationScript([s[0], s[1]]), script, msg, v)).toEqual({ ok: true });
    expect(await runWitness(invocationScript([s[0], s[2]]), script, msg, v)).toEqual({ ok: true });
    expect((await runWitness(invocationScript([s[1], s[0]]), script, msg, v)).ok).toBe(false);
    expect((await runWitness(invocationScript([s[0]]), script, msg, v)).ok).toBe(false);
    expect((await runWitness(invocationScript([s[0], s[0]]), script, msg, v)).ok).toBe(false);
  });

  it('refuses non-push invocation scripts, leftovers on the stack, unknown opcodes and endless scripts', async () => {
    const script = singleKeyScript(pubs[0]);
    const sig = sign(msg, priv[0]);
    const inv = invocationScript([sig]);
    expect((await runWitness(Uint8Array.of(...inv, OpCode.NOP), script, msg, v)).reason).toMatch(/invocation/);
    expect((await runWitness(Uint8Array.of(OpCode.PUSH1, ...inv), script, msg, v)).reason).toMatch(/2 items/);
    expect((await runWitness(inv, Uint8Array.of(0xff), msg, v)).reason).toMatch(/unknown opcode/);
    expect((await runWitness(new Uint8Array(0), new Uint8Array(5000).fill(OpCode.NOP), msg, v)).reason).toMatch(/step limit/);
    expect((await runWitness(new Uint8Array(0), Uint8Array.of(OpCode.PUSHDATA1, 5, 1), msg, v)).reason).toMatch(/past the end/);
    expect((await runWitness(new Uint8Array(0), Uint8Array.of(OpCode.CHECKSIG), msg, v)).reason).toMatch(/underflow/);
  });

  it('the single-key fast path gives the answers of the general run', async () => {
    const script = singleKeyScript(pubs[0]);
    const good = sign(msg, priv[0]);
    await fc.assert(fc.asyncProperty(fc.nat({ max: 63 }), fc.integer({ min: 0, max: 255 }), fc.boolean(), async (pos, xor, tamperKey) => {
      const sig = Uint8Array.from(good);
      const key = Uint8Array.from(script);
      if (tamperKey) key[1 + (pos % 33)] ^= xor;
      else sig[pos] ^= xor;
      const fast = await runWitness(invocationScript([sig]), key, msg, v);
      // The same program written so that the fast path does not apply: PUSHDATA1 instead of PUSHBYTES64.
      const general = await runWitness(Uint8Array.of(OpCode.PUSHDATA1, 64, ...sig), key, msg, v);
      expect(fast.ok).toBe(general.ok);
      expect(fast.ok).toBe(xor === 0);
    }), { numRuns: 60 });
  });
});

