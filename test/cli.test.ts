import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SHARED_VECTORS, OWN_VECTORS, readJson, type WycheproofEcdsa } from './helpers.ts';
import { buildChain } from './fixtures.ts';
import { bytesToHex, hexToBytes, uintToString } from '../core/encoding/index.ts';
import { multiSigScript, scriptHash } from '../core/script/index.ts';
import { encodeTransaction, transactionHash } from '../core/tx/index.ts';
import { blockHash, buildGenesisBlock, encodeBlock } from '../core/block/index.ts';

const ANS = fileURLToPath(new URL('../cli/ans.js', import.meta.url));

function ans(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [ANS, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectBadInput(r: ReturnType<typeof ans>, pattern: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
}

interface KeyVector { privateKey: string; wif: string; publicKey: string; verificationScript: string; scriptHash: string; address: string }
const { keys } = readJson<{ keys: KeyVector[] }>(join(SHARED_VECTORS, 'keys.json'));

describe('ans key / address', () => {
  it.each(keys)('inspects $wif and its hex, printing the private key only when asked', (k) => {
    for (const input of [k.wif, k.privateKey]) {
      const r = ans(['key', 'inspect', input]);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j).toEqual({ publicKey: k.publicKey, script: k.verificationScript, scriptHash: k.scriptHash, address: k.address });
      expect(r.stdout).not.toContain(k.privateKey);
    }
    const withPrivate = JSON.parse(ans(['key', 'inspect', k.wif, '--private']).stdout);
    expect(withPrivate.privateKey).toBe(k.privateKey);
    expect(withPrivate.wif).toBe(k.wif);
    expect(ans(['address', k.publicKey]).stdout.trim()).toBe(k.address);
  });

  it('makes new keys and M-of-N addresses', () => {
    const a = JSON.parse(ans(['key', 'new']).stdout);
    expect(a).not.toHaveProperty('privateKey');
    expect(a.address).toMatch(/^A/);
    const dir = mkdtempSync(join(tmpdir(), 'ans-'));
    const file = join(dir, 'validator.json');
    const b = ans(['key', 'new', '--out', file]);
    expect(b.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(JSON.parse(ans(['key', 'inspect', saved.wif]).stdout).address).toBe(saved.address);
    expectBadInput(ans(['key', 'new', '--out', file]), /exists: a key file is never overwritten/);
    const multi = ans(['address', keys[0].publicKey, keys[1].publicKey, '--m', '2', '--json']);
    expect(JSON.parse(multi.stdout).script).toMatch(/^52.*52ae$/);
    expectBadInput(ans(['address', keys[0].publicKey, keys[1].publicKey]), /--m/);
    expectBadInput(ans(['address', keys[0].publicKey, keys[1].publicKey, '--m', '3']), /M <= N/);
    expectBadInput(ans(['address', keys[0].wif]), /public keys/);
  });

  it('bad input: one line, exit 2', () => {
    expectBadInput(ans(['key', 'inspect', 'L1QqQJnpBwbsPGAuutuzPTac8piqvbR1HRjrY5qHup48TBCBFe4h']), /checksum/i);
    expectBadInput(ans(['key', 'inspect', 'zz']), /not a key/);
    expectBadInput(ans(['key', 'inspect', '02' + 'ff'.repeat(32)]), /not on the curve/);
    expectBadInput(ans(['key', 'frob']), /ans key new/);
    expectBadInput(ans(['frob']), /unknown command/);
    expectBadInput(ans(['key', 'new', '--bogus']), /unknown option --bogus/);
  });
});

describe('ans tx / block decode', () => {
  const chain = buildChain(2);
  it('decodes a transaction: every field and its hash', () => {
    const tx = chain.block1.transactions[1];
    const j = JSON.parse(ans(['tx', 'decode', bytesToHex(encodeTransaction(tx))]).stdout);
    expect(j.hash).toBe(uintToString(transactionHash(tx)));
    expect(j.type).toBe('ContractTransaction');
    expect(j.inputs[0].prevHash).toBe(uintToString(tx.inputs[0].prevHash));
    expect(j.outputs[0].value).toBe('100');
    expect(j.outputs[0].scriptHash.address).toMatch(/^A/);
    expect(j.witnesses).toHaveLength(1);
  });
  it('decodes a block from stdin: hash, transaction hashes, merkle root', () => {
    const r = ans(['block', 'decode', '-'], bytesToHex(encodeBlock(chain.block1)) + '\n');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.hash).toBe(uintToString(blockHash(chain.block1)));
    expect(j.transactionHashes).toEqual(chain.block1.transactions.map((t) => uintToString(transactionHash(t))));
    expect(j.merkleRoot).toBe(j.computedMerkleRoot);
    expect(j.height).toBe(1);
  });
  it('decodes the real network genesis to its real hash', () => {
    const real = readJson<{ genesis: { hash: string; timestamp: number; antShareHolderM: number; standbyValidators: string[] } }>(join(OWN_VECTORS, 'real-network.json'));
    const keys = real.genesis.standbyValidators.map(hexToBytes);
    const g = buildGenesisBlock({ standbyValidators: keys, antShareHolder: scriptHash(multiSigScript(real.genesis.antShareHolderM, keys)), timestamp: real.genesis.timestamp });
    const j = JSON.parse(ans(['block', 'decode', bytesToHex(encodeBlock(g))]).stdout);
    expect(j.hash).toBe(real.genesis.hash);
    expect(j.transactions.map((t: { type: string }) => t.type)).toEqual(['MinerTransaction', 'RegisterTransaction', 'RegisterTransaction', 'IssueTransaction']);
    expect(j.transactionHashes[1]).toBe('c56f33fc6ecfcd0c225c4ab356fee59390af8560be0e930faebe74a6daff7c9b');
  });
  it('refuses malformed bytes with the field that broke', () => {
    const bytes = encodeTransaction(chain.block1.transactions[1]);
    expectBadInput(ans(['tx', 'decode', bytesToHex(bytes.subarray(0, bytes.length - 3))]), /witnesses/);
    expectBadInput(ans(['tx', 'decode', bytesToHex(bytes) + '00']), /Transaction/);
    expectBadInput(ans(['block', 'decode', 'abc']), /not hex/);
    expectBadInput(ans(['tx', 'decode']), /one hex string/);
  });
});

describe('ans sig verify', () => {
  const groups = readJson<WycheproofEcdsa>(join(SHARED_VECTORS, 'wycheproof', 'ecdsa_secp256r1_sha256_p1363_test.json')).testGroups;
  const cases = groups.flatMap((g) => g.tests.map((t) => ({ pubkey: g.publicKey.uncompressed, msg: t.msg, sig: t.sig, valid: t.result === 'valid' })));

  it('single: exit 0 "valid" / exit 1 "invalid"', () => {
    const good = cases.find((c) => c.valid)!;
    const bad = cases.find((c) => !c.valid)!;
    const g = ans(['sig', 'verify', '--pubkey', good.pubkey, '--msg', good.msg, '--sig', good.sig]);
    expect([g.code, g.stdout.trim()]).toEqual([0, 'valid']);
    const b = ans(['sig', 'verify', '--pubkey', bad.pubkey, '--msg', bad.msg, '--sig', bad.sig]);
    expect([b.code, b.stdout.trim()]).toEqual([1, 'invalid']);
    expectBadInput(ans(['sig', 'verify', '--pubkey', good.pubkey, '--msg', 'xyz', '--sig', good.sig]), /msg is not hex/);
    expectBadInput(ans(['sig', 'verify', '--pubkey', good.pubkey, '--msg', good.msg]), /--sig is missing/);
  });

  it('batch: every Wycheproof P-256 case, one line each, in order', () => {
    const r = ans(['sig', 'verify', '--batch'], cases.map((c) => JSON.stringify({ pubkey: c.pubkey, msg: c.msg, sig: c.sig })).join('\n') + '\n');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(cases.map((c) => (c.valid ? 'valid' : 'invalid')));
  });

  it('batch: every Wycheproof secp256k1 case with --curve secp256k1', () => {
    const k1 = readJson<WycheproofEcdsa>(join(SHARED_VECTORS, 'wycheproof', 'ecdsa_secp256k1_sha256_p1363_test.json')).testGroups
      .flatMap((g) => g.tests.map((t) => ({ pubkey: g.publicKey.uncompressed, msg: t.msg, sig: t.sig, valid: t.result === 'valid' })));
    const r = ans(['sig', 'verify', '--batch', '--curve', 'secp256k1'], k1.map((c) => JSON.stringify(c)).join('\n'));
    expect(r.stdout.trim().split('\n')).toEqual(k1.map((c) => (c.valid ? 'valid' : 'invalid')));
  });

  it('batch: a malformed line stops with its line number after the lines before it', () => {
    const c = cases[0];
    const r = ans(['sig', 'verify', '--batch'], `${JSON.stringify(c)}\n{"pubkey":\n`);
    expect(r.stdout.trim()).toBe('valid');
    expectBadInput(r, /line 2: not JSON/);
  });
});
