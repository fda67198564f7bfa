import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import * as arb from './arbitraries.ts';
import { OWN_VECTORS, expectDecodeErrorOrCanonical, readJson } from './helpers.ts';
import { buildChain } from './fixtures.ts';
import { DecodeError, ProtocolError, bytesToHex, hexToBytes, uintToString, isInputError } from '../core/encoding/index.ts';
import { SignatureVerifier } from '../core/crypto/index.ts';
import { multiSigScript, scriptHash } from '../core/script/index.ts';
import { signingMessage, transactionHash, verifyWitnesses, type Transaction } from '../core/tx/index.ts';
import {
  ANTCOIN_ID, ANTSHARE_ID, blockHash, blockToJson, buildGenesisBlock, checkBlock, decodeBlock, decodeBlockWithMessages, decodeHeader, encodeBlock,
  merkleRoot, Header, verifyHeaderWitness, type Block,
} from '../core/block/index.ts';

interface RealNetwork {
  antShareId: string; antCoinId: string;
  genesis: { hash: string; timestamp: number; nonce: number; antShareHolderM: number; standbyValidators: string[] };
}

describe('the real network', () => {
  const real = readJson<RealNetwork>(join(OWN_VECTORS, 'real-network.json'));
  it('AntShare and AntCoin have their real asset ids', () => {
    expect(uintToString(ANTSHARE_ID)).toBe(real.antShareId);
    expect(uintToString(ANTCOIN_ID)).toBe(real.antCoinId);
  });
  it('its settings give its genesis block hash, and the block round-trips', () => {
    const keys = real.genesis.standbyValidators.map(hexToBytes);
    const g = buildGenesisBlock({
      standbyValidators: keys,
      antShareHolder: scriptHash(multiSigScript(real.genesis.antShareHolderM, keys)),
      timestamp: real.genesis.timestamp,
      nonce: real.genesis.nonce,
    });
    expect(uintToString(blockHash(g))).toBe(real.genesis.hash);
    expect(decodeBlock(encodeBlock(g))).toEqual(g);
    checkBlock(g);
  });
});

describe('merkle root', () => {
  it('is the hash of a single transaction, pairs an odd last node with itself', () => {
    const h = (n: number) => new Uint8Array(32).fill(n);
    expect(merkleRoot([h(1)])).toEqual(h(1));
    expect(merkleRoot([h(1), h(2), h(3)])).toEqual(merkleRoot([h(1), h(2), h(3), h(3)]));
    expect(merkleRoot([h(1), h(2)])).not.toEqual(merkleRoot([h(2), h(1)]));
  });
});

describe('block coders', () => {
  it('round-trip and re-encode canonically; mutated bytes give DecodeError or canonical blocks', () => {
    fc.assert(fc.property(arb.block, (b) => {
      const bytes = encodeBlock(b);
      expect(decodeBlock(bytes)).toEqual(b);
    }), { numRuns: 200 });
    fc.assert(fc.property(arb.mutated(arb.block.map(encodeBlock)), (bytes) => expectDecodeErrorOrCanonical(bytes, decodeBlock, encodeBlock)), { numRuns: 1000 });
  });
  it('the receive path slices each signed message out of the block bytes', () => {
    fc.assert(fc.property(arb.block, (b) => {
      const { block, messages } = decodeBlockWithMessages(encodeBlock(b));
      expect(block).toEqual(b);
      expect(messages.map(bytesToHex)).toEqual(b.transactions.map((t) => bytesToHex(signingMessage(t))));
    }), { numRuns: 200 });
    expect(() => decodeBlockWithMessages(Uint8Array.of(1, 2, 3))).toThrow(DecodeError);
  });

  it('headers carry exactly one witness', () => {
    fc.assert(fc.property(arb.block, (b) => {
      const { transactions: _transactions, ...header } = b;
      expect(decodeHeader(Header.encode(b))).toEqual(header);
    }), { numRuns: 50 });
    fc.assert(fc.property(fc.oneof(arb.mutated(arb.block.map((b) => Header.encode(b))), fc.uint8Array({ maxLength: 300 })), (bytes) =>
      expectDecodeErrorOrCanonical(bytes, decodeHeader, (h) => Header.encode(h))), { numRuns: 1000 });
    const { genesis } = buildChain(0);
    const bytes = Header.encode(genesis);
    bytes[4 + 32 + 32 + 4 + 4 + 8 + 20] = 2;
    expect(() => decodeHeader(bytes)).toThrow(/one witness/);
  });
});

describe('a chain built by hand', () => {
  const verifier = new SignatureVerifier();
  const chain = buildChain(3);

  async function fullCheck(bytes: Uint8Array, expectedHash: string) {
    const block = decodeBlock(bytes);
    if (uintToString(blockHash(block)) !== expectedHash) throw new Error('hash differs');
    checkBlock(block);
    await verifyHeaderWitness(block, chain.genesis.nextMiner, verifier);
    await Promise.all(block.transactions.map((tx, i) => verifyWitnesses(tx, chain.signers[i], verifier)));
    return block;
  }

  it('decodes to the same hashes and passes every check', async () => {
    const bytes = encodeBlock(chain.block1);
    const block = await fullCheck(bytes, uintToString(blockHash(chain.block1)));
    expect(block.transactions.map((t) => uintToString(transactionHash(t)))).toEqual(chain.block1.transactions.map((t) => uintToString(transactionHash(t))));
    expect(uintToString(block.prevBlock)).toBe(uintToString(blockHash(chain.genesis)));
    const json = blockToJson(block);
    expect(json.transactionHashes).toHaveLength(4);
    expect(json.merkleRoot).toBe(json.computedMerkleRoot);
  });

  it('a changed byte anywhere makes the hash, a rule or a witness check fail', async () => {
    const bytes = encodeBlock(chain.block1);
    const hash = uintToString(blockHash(chain.block1));
    const outcomes = new Map<string, number>();
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const t = Uint8Array.from(bytes);
        t[i] ^= mask;
        let outcome: string;
        try {
          await fullCheck(t, hash);
          outcome = 'accepted';
        } catch (e) {
          outcome = e instanceof Error && e.message === 'hash differs' ? 'hash' : isInputError(e) ? (e instanceof ProtocolError ? e.code : 'DECODE_ERROR') : `unexpected ${String(e)}`;
        }
        expect(outcome, `byte ${i} ^ ${mask}`).not.toBe('accepted');
        expect(outcome, `byte ${i} ^ ${mask}`).not.toMatch(/^unexpected/);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }
    // Each kind of failure was met: header bytes change the hash, transaction bytes the merkle
    // root, signatures the witness checks, lengths the decoder.
    for (const kind of ['hash', 'BLOCK_MERKLE_ROOT_MISMATCH', 'TX_WITNESS_INVALID', 'BLOCK_WITNESS_INVALID', 'DECODE_ERROR']) expect(outcomes.get(kind), kind).toBeGreaterThan(0);
  });

  it('block rules: miner first and once, merkle root, no duplicate, no double spend', () => {
    const b = chain.block1;
    const codeOf = (blk: Block) => {
      try {
        checkBlock(blk);
        return 'accepted';
      } catch (e) {
        return (e as ProtocolError).code;
      }
    };
    expect(codeOf(b)).toBe('accepted');
    const withTxs = (txs: Block['transactions']) => ({ ...b, transactions: txs, merkleRoot: merkleRoot(txs.map(transactionHash)) });
    expect(codeOf(withTxs(b.transactions.slice(1)))).toBe('BLOCK_NO_MINER_TRANSACTION');
    expect(codeOf(withTxs([b.transactions[0], b.transactions[1], { ...(b.transactions[0] as Extract<Transaction, { type: 'MinerTransaction' }>), nonce: 8 }]))).toBe('BLOCK_MINER_TRANSACTION_TWICE');
    expect(codeOf({ ...b, merkleRoot: new Uint8Array(32) })).toBe('BLOCK_MERKLE_ROOT_MISMATCH');
    expect(codeOf(withTxs([b.transactions[0], b.transactions[1], b.transactions[1]]))).toBe('BLOCK_DUPLICATE_TRANSACTION');
    const t1 = b.transactions[1];
    const conflict = { ...t1, outputs: [t1.outputs[0]] };
    expect(codeOf(withTxs([b.transactions[0], t1, conflict]))).toBe('BLOCK_DOUBLE_SPEND');
    expect(codeOf(withTxs([b.transactions[0], { ...t1, version: 3 }]))).toBe('BLOCK_TRANSACTION_INVALID');
  });

  it('the header witness must be the previous nextMiner', async () => {
    const other = buildChain(0);
    await expect(verifyHeaderWitness(chain.block1, other.genesis.nextMiner, verifier)).rejects.toMatchObject({ code: 'BLOCK_WITNESS_NOT_NEXT_MINER' });
  });
});
