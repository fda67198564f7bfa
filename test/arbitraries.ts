/** fast-check arbitraries of every protocol structure, for the coder property tests. */
import fc from 'fast-check';
import { getPublicKey, privateKeyFromHex, INFINITY } from '../core/crypto/index.ts';
import type { Transaction } from '../core/tx/index.ts';
import type { Block } from '../core/block/index.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
export const uint256 = bytes(32);
export const uint160 = bytes(20);
export const fixed8 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.nat({ max: 0xffffffff });

// Real points in their canonical encodings (compressed), and the point at infinity. A key received
// uncompressed is read compressed (ECPoint, as the reference does): protocol-transactions.test.ts
// checks that on its own.
const keyPool = Array.from({ length: 6 }, (_, i) => privateKeyFromHex((0x1234567 + i * 7919).toString(16).padStart(64, '0')));
export const publicKey = fc.constantFrom(INFINITY, ...keyPool.map((k) => getPublicKey(k, true)));
/** The same points uncompressed (0x04, 65 bytes). */
export const uncompressedKeys = keyPool.map((k) => getPublicKey(k, false));

export const input = fc.record({ prevHash: uint256, prevIndex: u16 });
export const output = fc.record({ assetId: uint256, value: fixed8, scriptHash: uint160 });
export const witness = fc.record({ invocation: fc.uint8Array({ maxLength: 140 }), verification: fc.uint8Array({ maxLength: 80 }) });

export const attribute = fc.oneof(
  fc.record({ usage: fc.constantFrom(0x00, 0x02, 0x03, ...Array.from({ length: 15 }, (_, i) => 0xa1 + i)), data: bytes(32) }),
  fc.record({ usage: fc.constant(0x20), data: uint160 }),
  fc.record({ usage: fc.constant(0x81), data: fc.uint8Array({ maxLength: 255 }) }),
  fc.record({ usage: fc.constantFrom(0x90, ...Array.from({ length: 16 }, (_, i) => 0xf0 + i)), data: fc.uint8Array({ maxLength: 300 }) }),
);

const common = {
  version: u8,
  attributes: fc.array(attribute, { maxLength: 3 }),
  inputs: fc.array(input, { maxLength: 3 }),
  outputs: fc.array(output, { maxLength: 3 }),
  witnesses: fc.array(witness, { maxLength: 2 }),
};
const name = fc.string({ unit: 'grapheme', maxLength: 40 });
const compactOrder = fc.record({ amount: fixed8, price: fixed8, client: uint160, inputs: fc.array(input, { maxLength: 2 }), witnesses: fc.array(witness, { maxLength: 1 }) });

export const transaction: fc.Arbitrary<Transaction> = fc.oneof(
  fc.record({ type: fc.constant('MinerTransaction' as const), nonce: u32, ...common }),
  fc.record({ type: fc.constant('IssueTransaction' as const), ...common }),
  fc.record({ type: fc.constant('ClaimTransaction' as const), claims: fc.array(input, { maxLength: 3 }), ...common }),
  fc.record({ type: fc.constant('EnrollmentTransaction' as const), publicKey, ...common }),
  fc.record({ type: fc.constant('VotingTransaction' as const), enrollments: fc.array(uint256, { minLength: 1, maxLength: 3 }), ...common }),
  fc.record({
    type: fc.constant('RegisterTransaction' as const),
    assetType: fc.constantFrom('AntShare', 'AntCoin', 'Currency', 'Token', 'Share', 'Invoice'),
    name, amount: fixed8, precision: fc.integer({ min: 0, max: 8 }), issuer: publicKey, admin: uint160, ...common,
  }),
  fc.record({ type: fc.constant('ContractTransaction' as const), ...common }),
  fc.record({
    type: fc.constant('AgencyTransaction' as const),
    assetId: uint256, valueAssetId: uint256, agent: uint160, orders: fc.array(compactOrder, { maxLength: 3 }),
    splitOrder: fc.option(fc.record({ amount: fixed8, price: fixed8, client: uint160 }), { nil: undefined }),
    ...common,
  }),
  fc.record({
    type: fc.constant('PublishTransaction' as const),
    ...common,
    version: fc.integer({ min: 0, max: 1 }),
    script: fc.uint8Array({ maxLength: 60 }), parameterList: fc.uint8Array({ maxLength: 10 }), returnType: u8,
    needStorage: fc.boolean(), name, codeVersion: name, author: name, email: name, description: name,
  }).map((t) => ({ ...t, needStorage: t.version >= 1 && t.needStorage })),
) as fc.Arbitrary<Transaction>;

export const block: fc.Arbitrary<Block> = fc.record({
  version: u32, prevBlock: uint256, merkleRoot: uint256, timestamp: u32, height: u32,
  consensusData: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), nextMiner: uint160, witness,
  transactions: fc.array(transaction, { maxLength: 3 }),
});

/** Flips, inserts or deletes a few bytes. */
export function mutated(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(base, fc.array(fc.tuple(fc.nat(), u8, fc.constantFrom('flip', 'insert', 'delete')), { minLength: 1, maxLength: 3 })).map(([b, edits]) => {
    const out = Array.from(b);
    for (const [pos, val, kind] of edits) {
      const i = out.length ? pos % out.length : 0;
      if (kind === 'flip' && out.length) out[i] ^= val || 1;
      else if (kind === 'insert') out.splice(i, 0, val);
      else if (out.length) out.splice(i, 1);
    }
    return Uint8Array.from(out);
  });
}
