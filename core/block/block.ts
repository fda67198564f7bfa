/** Blocks (docs/protocol.md, "Blocks"): a header, then a var-int count and the transactions. */
import * as P from 'micro-packed';
import { bytesToHex, concatBytes, equalBytes } from '../encoding/bytes.ts';
import { ProtocolError, isInputError } from '../encoding/errors.ts';
import { VarInt, decodeStrict, uintToString, varArray } from '../encoding/primitives.ts';
import { AddressVersion, addressFromScriptHash } from '../script/accounts.ts';
import { Transaction, allInputs, checkTransaction, encodeTransaction, messageHash, messagesOf, transactionHash, transactionList } from '../tx/transaction.ts';
import { toJsonView, transactionToJson, type Json } from '../tx/json.ts';
import { Header, HeaderWitness, blockHash, headerFields } from './header.ts';
import { merkleRoot } from './merkle.ts';

/** Most transactions in one block. */
export const MAX_BLOCK_TRANSACTIONS = 65_535;

/** A block: the header's fields, its witness and the transactions. */
export const Block = P.struct({
  ...headerFields,
  witness: HeaderWitness,
  transactions: varArray(MAX_BLOCK_TRANSACTIONS, Transaction),
});
export type Block = Header & { transactions: Transaction[] };

/** Decodes one whole block; DecodeError with the field path on any malformed byte. */
export function decodeBlock(bytes: Uint8Array): Block {
  return decodeStrict(Block, bytes, 'Block');
}

/**
 * Decodes a received block and returns with it each transaction's signed bytes, sliced from
 * `bytes` (decoding is canonical, so they are exactly the bytes before each one's witnesses):
 * the receive path of a node, which then never encodes a transaction again to check it.
 */
export function decodeBlockWithMessages(bytes: Uint8Array): { block: Block; messages: Uint8Array[] } {
  const spans: [number, number][] = [];
  const transactions = transactionList(MAX_BLOCK_TRANSACTIONS, spans);
  const block = decodeStrict(P.struct({ ...headerFields, witness: HeaderWitness, transactions }), bytes, 'Block') as Block;
  return { block, messages: messagesOf(bytes, block.transactions, spans) };
}

/** The block's bytes. */
export function encodeBlock(block: Block): Uint8Array {
  return Block.encode(block);
}

/**
 * The block's bytes, made from its transactions' bytes (a validator's pool keeps them as they
 * came): the same bytes as `encodeBlock`, since a transaction's encoding is canonical, without
 * encoding every transaction again.
 */
export function encodeBlockFrom(block: Block, transactionBytes: readonly Uint8Array[]): Uint8Array {
  const n = block.transactions.length;
  if (transactionBytes.length !== n || n > MAX_BLOCK_TRANSACTIONS) throw new RangeError(`${transactionBytes.length} transactions' bytes for a block of ${n}`);
  return concatBytes(Header.encode(block), VarInt.encode(BigInt(n)), ...transactionBytes);
}

export type BlockErrorCode =
  | 'BLOCK_NO_MINER_TRANSACTION'
  | 'BLOCK_MINER_TRANSACTION_TWICE'
  | 'BLOCK_MERKLE_ROOT_MISMATCH'
  | 'BLOCK_DUPLICATE_TRANSACTION'
  | 'BLOCK_DOUBLE_SPEND'
  | 'BLOCK_TRANSACTION_INVALID';

function blockError(code: BlockErrorCode, message: string, data: Record<string, unknown> = {}) {
  return new ProtocolError<BlockErrorCode>(code, message, data);
}

/** The merkle root a header must hold for these transactions. */
export function computeMerkleRoot(transactions: readonly Transaction[]): Uint8Array {
  return merkleRoot(transactions.map(transactionHash));
}

/** What `checkBlock` found that callers need next: each transaction's hash and the outputs it spends. */
export interface CheckedBlock {
  /** Raw transaction hashes, in block order. */
  readonly hashes: Uint8Array[];
  /** Per transaction, the keys (`outpointKey`) of the outputs it spends, in `allInputs` order. */
  readonly spends: string[][];
}

/**
 * The block rules that need no ledger: one MinerTransaction, first; the merkle root; no
 * transaction twice; no output spent twice within the block; every transaction's own rules.
 */
export function checkBlock(block: Block, messages?: readonly Uint8Array[]): CheckedBlock {
  const txs = block.transactions;
  if (txs.length === 0 || txs[0].type !== 'MinerTransaction') {
    throw blockError('BLOCK_NO_MINER_TRANSACTION', 'a block starts with its MinerTransaction', { height: block.height });
  }
  const second = txs.findIndex((t, i) => i > 0 && t.type === 'MinerTransaction');
  if (second > 0) throw blockError('BLOCK_MINER_TRANSACTION_TWICE', 'a block holds one MinerTransaction', { index: second });
  // `messages` (the transactions' signed bytes), when the caller has them, save encoding again.
  const hashes = messages ? messages.map((m) => messageHash(m)) : txs.map(transactionHash);
  if (!equalBytes(merkleRoot(hashes), block.merkleRoot)) {
    throw blockError('BLOCK_MERKLE_ROOT_MISMATCH', "the header's merkle root is not the root of these transactions", {
      header: uintToString(block.merkleRoot),
    });
  }
  const seenTx = new Set<string>();
  const spent = new Set<string>();
  const spends: string[][] = [];
  txs.forEach((tx, i) => {
    const id = bytesToHex(hashes[i]); // raw hex in the sets, reversed display hex in the errors
    if (seenTx.has(id)) throw blockError('BLOCK_DUPLICATE_TRANSACTION', `transaction ${uintToString(hashes[i])} appears twice`, { tx: uintToString(hashes[i]) });
    seenTx.add(id);
    let keys: string[];
    try {
      keys = checkTransaction(tx, undefined, { inBlock: true });
    } catch (e) {
      if (!isInputError(e)) throw e;
      const shown = uintToString(hashes[i]);
      throw blockError('BLOCK_TRANSACTION_INVALID', `transaction ${i} (${shown}): ${e.message}`, { tx: shown, index: i, cause: (e as ProtocolError).code });
    }
    const inputs = allInputs(tx);
    keys.forEach((key, j) => {
      if (spent.has(key)) {
        const shown = `${uintToString(inputs[j].prevHash)}:${inputs[j].prevIndex}`;
        throw blockError('BLOCK_DOUBLE_SPEND', `output ${shown} is spent twice in the block`, { output: shown, tx: uintToString(hashes[i]) });
      }
      spent.add(key);
    });
    spends.push(keys);
  });
  return { hashes, spends };
}

/** JSON of a block: hash, size, header fields, transaction hashes, merkle root and transactions. */
export function blockToJson(block: Block, addressVersion: number = AddressVersion.secp256r1): { [key: string]: Json } {
  const hashes = block.transactions.map((t) => uintToString(transactionHash(t)));
  return {
    hash: uintToString(blockHash(block)),
    size: encodeBlock(block).length,
    version: block.version,
    prevBlock: uintToString(block.prevBlock),
    merkleRoot: uintToString(block.merkleRoot),
    computedMerkleRoot: block.transactions.length ? uintToString(computeMerkleRoot(block.transactions)) : null,
    timestamp: block.timestamp,
    time: new Date(block.timestamp * 1000).toISOString(),
    height: block.height,
    consensusData: block.consensusData.toString(),
    nextMiner: { hash: uintToString(block.nextMiner), address: addressFromScriptHash(block.nextMiner, addressVersion) },
    witness: toJsonView(block.witness),
    transactionHashes: hashes,
    transactions: block.transactions.map((t) => transactionToJson(t, addressVersion)),
    transactionSizes: block.transactions.map((t) => encodeTransaction(t).length),
  };
}
