/**
 * Transactions (docs/protocol.md, "Transactions"): `type u8, version u8, <type-specific data>,
 * attributes[], inputs[], outputs[], witnesses[]`. The type-specific coders live one per file;
 * this file joins them, and gives the hash, the signed message, signing and the stateless checks.
 */
import * as P from 'micro-packed';
import { bytesToHex, compareBytes, concatBytes, equalBytes } from '../encoding/bytes.ts';
import { DecodeError } from '../encoding/errors.ts';
import { VarInt, count, decodeStrict, compareUint, formatFixed8, uintToString, varArray, varIntSize } from '../encoding/primitives.ts';
import { hash256 } from '../crypto/hash.ts';
import { defaultVerifier, sign, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { scriptHash } from '../script/accounts.ts';
import { runWitness } from '../script/vm.ts';
import { TransactionAttribute } from './attribute.ts';
import { TransactionInput, TransactionOutput, Witness } from './io.ts';
import { MAX_ATTRIBUTES, MAX_INPUTS, MAX_OUTPUTS, MAX_TRANSACTION_SIZE, MAX_WITNESSES } from './limits.ts';
import { txError } from './errors.ts';
import { witnessFor, type Signer } from './sign.ts';
import { MinerTransactionData, checkMinerTransaction } from './miner.ts';
import { IssueTransactionData } from './issue.ts';
import { ClaimTransactionData } from './claim.ts';
import { EnrollmentTransactionData, checkEnrollmentTransaction } from './enrollment.ts';
import { VotingTransactionData, checkVotingTransaction } from './voting.ts';
import { RegisterTransactionData, checkRegisterTransaction } from './register.ts';
import { ContractTransactionData } from './contract.ts';
import { AgencyTransactionData, checkAgencyTransaction } from './agency.ts';
import { PublishTransactionData } from './publish.ts';
import { setBounded } from '../util/bounded.ts';

/** Each transaction type: its byte and the coder of `version` + its own data. */
const TYPES = {
  MinerTransaction: [0x00, MinerTransactionData],
  IssueTransaction: [0x01, IssueTransactionData],
  ClaimTransaction: [0x02, ClaimTransactionData],
  EnrollmentTransaction: [0x20, EnrollmentTransactionData],
  VotingTransaction: [0x24, VotingTransactionData],
  RegisterTransaction: [0x40, RegisterTransactionData],
  ContractTransaction: [0x80, ContractTransactionData],
  AgencyTransaction: [0xb0, AgencyTransactionData],
  PublishTransaction: [0xd0, PublishTransactionData],
} as const;

/** The name of a transaction type. */
export type TransactionType = keyof typeof TYPES;
type DataOf<K extends TransactionType> = P.UnwrapCoder<(typeof TYPES)[K][1]>;

/** The parts every transaction has after its type-specific data. */
const Common = P.struct({
  attributes: varArray(MAX_ATTRIBUTES, TransactionAttribute),
  inputs: varArray(MAX_INPUTS, TransactionInput),
  outputs: varArray(MAX_OUTPUTS, TransactionOutput),
});
type Common = P.UnwrapCoder<typeof Common>;
// A struct, so that decode errors name the field ("witnesses/0/invocation").
const Witnesses = P.struct({ witnesses: varArray(MAX_WITNESSES, Witness) });

/** A transaction without its witnesses: what is hashed and signed. */
export type UnsignedTransaction = { [K in TransactionType]: { type: K } & DataOf<K> & Common }[TransactionType];
/** A transaction: a flat object whose `type` selects the type-specific fields. */
export type Transaction = UnsignedTransaction & { witnesses: Witness[] };

const typeByByte = new Map<number, TransactionType>(Object.entries(TYPES).map(([name, [byte]]) => [byte, name as TransactionType]));

function dataCoder(type: TransactionType): P.CoderType<unknown> {
  return TYPES[type][1] as P.CoderType<unknown>;
}

function bodyCoder(withWitnesses: boolean) {
  return P.wrap({
    encodeStream(w, tx: Transaction) {
      const entry = TYPES[tx.type];
      if (!entry) throw w.err(`unknown transaction type ${String(tx.type)}`);
      w.byte(entry[0]);
      dataCoder(tx.type).encodeStream(w, tx);
      Common.encodeStream(w, tx);
      if (withWitnesses) Witnesses.encodeStream(w, tx);
    },
    decodeStream(r): Transaction {
      const byte = r.byte();
      const type = typeByByte.get(byte);
      if (type === undefined) throw r.err(`unknown transaction type 0x${byte.toString(16)}`);
      const data = dataCoder(type).decodeStream(r) as object;
      const common = Common.decodeStream(r);
      const witnesses = withWitnesses ? Witnesses.decodeStream(r).witnesses : [];
      return { type, ...data, ...common, witnesses } as Transaction;
    },
  });
}

/** Wire coder of a whole transaction. */
export const Transaction: P.CoderType<Transaction> = bodyCoder(true);
/** Wire coder of the unsigned part (witnesses left out). */
export const UnsignedTransaction: P.CoderType<Transaction> = bodyCoder(false);

/** Decodes one whole transaction; DecodeError (with the field path) on any malformed byte. */
export function decodeTransaction(bytes: Uint8Array): Transaction {
  return decodeStrict(Transaction, bytes, 'Transaction');
}

/**
 * Decodes a transaction and returns with it its signed message, taken from `bytes` without
 * encoding again: decoding is canonical, so the unsigned bytes are exactly the bytes before the
 * witnesses. This is the receive path of a node (a sixth of its per-transaction work saved).
 */
export function decodeTransactionWithMessage(bytes: Uint8Array): { tx: Transaction; message: Uint8Array } {
  const tx = decodeTransaction(bytes);
  return { tx, message: signedSlice(bytes, 0, bytes.length - witnessesSize(tx.witnesses), tx) };
}

/**
 * A var-int-counted list of transactions (at most `max`) that, when decoding, notes in `spans`
 * where each transaction starts and ends in the input: their signed bytes can then be sliced
 * from what was received (decoding is canonical) instead of encoded again.
 */
export function transactionList(max: number, spans: [number, number][]): P.CoderType<Transaction[]> {
  const list = count(max);
  return P.wrap({
    encodeStream: (w, txs: Transaction[]) => varArray(max, Transaction).encodeStream(w, txs),
    decodeStream: (r): Transaction[] => {
      const n = list.decodeStream(r);
      const out: Transaction[] = [];
      for (let i = 0; i < n; i++) {
        const start = r.pos;
        out.push(Transaction.decodeStream(r));
        spans.push([start, r.pos]);
      }
      return out;
    },
  });
}

/** The signed bytes of each decoded transaction, sliced from the bytes they were decoded from. */
export function messagesOf(bytes: Uint8Array, txs: readonly Transaction[], spans: readonly [number, number][]): Uint8Array[] {
  return txs.map((tx, i) => signedSlice(bytes, spans[i][0], spans[i][1] - witnessesSize(tx.witnesses), tx));
}

/**
 * The signed bytes of `tx`, read from `bytes[start, end)`, unless a key of its was received
 * uncompressed: ECPoint reads such a key compressed, as the reference does, so the signed bytes
 * (and the hash) are those of the encoding (issue 15). Only the two types whose fields hold a key.
 */
function signedSlice(bytes: Uint8Array, start: number, end: number, tx: Transaction): Uint8Array {
  if (tx.type === 'RegisterTransaction' || tx.type === 'EnrollmentTransaction') {
    const encoded = signingMessage(tx);
    if (encoded.length !== end - start) return encoded;
  }
  return bytes.subarray(start, end);
}

/** Most transactions in one gossip batch. */
export const MAX_BATCH = 1024;

/**
 * A gossip batch of transactions (var-int count, 1..MAX_BATCH, then the transactions): peers
 * gossip transactions a few dozen at a time, since each gossip message has a fixed cost.
 */
export function encodeTransactionBatch(encoded: readonly Uint8Array[]): Uint8Array {
  if (encoded.length === 0 || encoded.length > MAX_BATCH) throw new RangeError(`a batch holds 1 to ${MAX_BATCH} transactions, not ${encoded.length}`);
  return concatBytes(VarInt.encode(BigInt(encoded.length)), ...encoded);
}

/** Decodes a batch: each transaction with its signed bytes and its bytes. DecodeError when any byte is wrong. */
export function decodeTransactionBatch(bytes: Uint8Array): { tx: Transaction; message: Uint8Array; bytes: Uint8Array }[] {
  const spans: [number, number][] = [];
  const txs = decodeStrict(transactionList(MAX_BATCH, spans), bytes, 'TransactionBatch');
  if (txs.length === 0) throw new DecodeError('TransactionBatch', 'an empty batch');
  const messages = messagesOf(bytes, txs, spans);
  return txs.map((tx, i) => ({ tx, message: messages[i], bytes: bytes.subarray(spans[i][0], spans[i][1]) }));
}

/** Encoded size of a witness list: a transaction's size is its signed message's plus this. */
export function witnessesSize(witnesses: readonly Witness[]): number {
  let n = varIntSize(witnesses.length);
  for (const w of witnesses) n += varIntSize(w.invocation.length) + w.invocation.length + varIntSize(w.verification.length) + w.verification.length;
  return n;
}

/** The transaction's bytes, witnesses included. */
export function encodeTransaction(tx: Transaction): Uint8Array {
  return Transaction.encode(tx);
}

/** The signed message: the bytes of everything but the witnesses. */
export function signingMessage(tx: UnsignedTransaction | Transaction): Uint8Array {
  return UnsignedTransaction.encode({ witnesses: [], ...tx } as Transaction);
}

/**
 * A received transaction's signed bytes are hashed on several paths (the pool's copy check, a
 * block's merkle root, the ledger's rules, the pool's check after a block): each bytes object is
 * hashed once, its hash kept beside it for as long as the object lives. Signed bytes are slices
 * of what came over the wire or out of an encoder, never written to afterwards.
 */
const messageHashes = new WeakMap<Uint8Array, Uint8Array>();

/** Transaction hash from its signed bytes (hash256 of them), once per bytes object. */
export function messageHash(message: Uint8Array): Uint8Array {
  let hash = messageHashes.get(message);
  if (hash === undefined) {
    hash = hash256(message);
    messageHashes.set(message, hash);
  }
  return hash;
}

/** Transaction hash = hash256(unsigned bytes), raw; show it with `uintToString`. */
export function transactionHash(tx: UnsignedTransaction | Transaction): Uint8Array {
  return hash256(signingMessage(tx));
}

/** Sorts witnesses by the ascending script hash of the account each serves (UInt160 order). */
export function sortWitnesses(witnesses: readonly Witness[]): Witness[] {
  return witnesses
    .map((w) => ({ w, h: scriptHash(w.verification) }))
    .sort((a, b) => compareUint(a.h, b.h))
    .map((x) => x.w);
}

/**
 * Signs `tx` for every signer: one witness each, ordered by script hash. Signers whose script
 * already has a witness in `tx` replace it.
 */
export function signTransaction(tx: UnsignedTransaction | Transaction, signers: readonly Signer[]): Transaction {
  const message = signingMessage(tx);
  const fresh = signers.map((s) => witnessFor(s, (k) => sign(message, k)));
  const freshHashes = fresh.map((w) => scriptHash(w.verification));
  const kept = ('witnesses' in tx ? tx.witnesses : []).filter((w) => !freshHashes.some((h) => equalBytes(h, scriptHash(w.verification))));
  return { ...tx, witnesses: sortWitnesses([...kept, ...fresh]) } as Transaction;
}

/** Key of the output `index` of transaction `hash`: raw hex (not the reversed display form) and the index. */
export function outpointKey(hash: Uint8Array, index: number): string {
  return `${bytesToHex(hash)}:${index}`;
}

/**
 * The rules that need no ledger: version, size, positive outputs, no input twice, and each
 * type's own (one file per type). Throws a ProtocolError with the rule's code. Returns the keys
 * (`outpointKey`) of the outputs it spends, in `allInputs` order, which block and ledger checks
 * use rather than building them again.
 *
 * The size limit (MAX_TRANSACTION_SIZE) is the reference's relay policy, checked for what enters
 * a pool or a validator's proposal; a transaction `inBlock` is bounded by the block's size only,
 * as on the reference network, which accepted block 1050514 with a ClaimTransaction of 111,183
 * bytes (docs/protocol.md, "Transactions").
 */
export function checkTransaction(tx: Transaction, encodedSize?: number, options: { inBlock?: boolean } = {}): string[] {
  const maxVersion = tx.type === 'PublishTransaction' ? 1 : 0;
  if (tx.version > maxVersion) throw txError('TX_VERSION_UNSUPPORTED', `${tx.type} version ${tx.version}`, { version: tx.version });
  if (!options.inBlock) {
    const size = encodedSize ?? encodeTransaction(tx).length;
    if (size > MAX_TRANSACTION_SIZE) throw txError('TX_TOO_LARGE', `${size} bytes, at most ${MAX_TRANSACTION_SIZE}`, { size });
  }
  if (tx.type === 'ClaimTransaction' || tx.type === 'PublishTransaction') {
    throw txError('TX_TYPE_RESERVED', `${tx.type} is reserved by this protocol`, { type: tx.type });
  }
  tx.outputs.forEach((o, i) => {
    if (o.value <= 0n) throw txError('TX_OUTPUT_VALUE_NOT_POSITIVE', `output ${i} has value ${formatFixed8(o.value)}`, { output: i });
  });
  const keys: string[] = [];
  const spent = new Set<string>();
  for (const input of allInputs(tx)) {
    const key = outpointKey(input.prevHash, input.prevIndex);
    if (spent.has(key)) {
      const shown = `${uintToString(input.prevHash)}:${input.prevIndex}`;
      throw txError('TX_DUPLICATE_INPUT', `input ${shown} is spent twice`, { input: shown });
    }
    spent.add(key);
    keys.push(key);
  }
  switch (tx.type) {
    case 'MinerTransaction': checkMinerTransaction(tx); break;
    case 'EnrollmentTransaction': checkEnrollmentTransaction(tx); break;
    case 'VotingTransaction': checkVotingTransaction(tx); break;
    case 'RegisterTransaction': checkRegisterTransaction(tx); break;
    case 'AgencyTransaction': checkAgencyTransaction(tx); break;
    default: break;
  }
  return keys;
}

/** Every output the transaction spends: its inputs, then those of the orders it settles. */
export function allInputs(tx: Transaction): TransactionInput[] {
  if (tx.type === 'AgencyTransaction') return [...tx.inputs, ...tx.orders.flatMap((o) => o.inputs)];
  return tx.inputs;
}

/**
 * Checks the witnesses against the accounts that must sign (`signers`, script hashes; the
 * ledger knows them), or, with no list, against the accounts the witnesses name: one witness per
 * signer, in ascending script-hash order, each running true over the signed message.
 */
export async function verifyWitnesses(
  tx: Transaction,
  signers?: readonly Uint8Array[],
  verifier: SignatureVerifier = defaultVerifier(),
  message: Uint8Array = signingMessage(tx),
): Promise<void> {
  const hashes = tx.witnesses.map((w) => verificationScriptHash(w.verification));
  for (let i = 1; i < hashes.length; i++) {
    if (compareUint(hashes[i - 1], hashes[i]) >= 0) {
      throw txError('TX_WITNESS_ORDER', 'witnesses must be ordered by ascending script hash, one per signer', { index: i });
    }
  }
  if (signers) {
    const expected = signers.length === 1 ? signers : [...signers].sort(compareUint).filter((h, i, a) => i === 0 || compareBytes(a[i - 1], h) !== 0);
    if (expected.length !== hashes.length) {
      throw txError('TX_WITNESS_COUNT', `${hashes.length} witnesses for ${expected.length} signers`, { expected: expected.map(uintToString) });
    }
    for (let i = 0; i < expected.length; i++) {
      if (!equalBytes(expected[i], hashes[i])) {
        throw txError('TX_WITNESS_SCRIPT_MISMATCH', `witness ${i} is not the script of signer ${uintToString(expected[i])}`, { signer: uintToString(expected[i]), index: i });
      }
    }
  }
  const fail = (i: number, reason: string) => txError('TX_WITNESS_INVALID', `witness ${i} fails: ${reason}`, { index: i, signer: uintToString(hashes[i]), reason });
  if (tx.witnesses.length === 1) {
    // The common case, without the arrays and joins of the general one.
    const w = tx.witnesses[0];
    const r = await runWitness(w.invocation, w.verification, message, verifier);
    if (!r.ok) throw fail(0, r.reason);
    return;
  }
  const results = await Promise.all(tx.witnesses.map((w) => runWitness(w.invocation, w.verification, message, verifier)));
  results.forEach((r, i) => {
    if (!r.ok) throw fail(i, r.reason);
  });
}

// Script hashes of recently seen verification scripts: the same accounts sign again and again,
// and a lookup costs less than RIPEMD-160(SHA-256(script)). Found by a 32-bit fingerprint of the
// script (then compared whole), so a lookup allocates nothing; a collision only costs a hash.
// Bounded; scripts above 128 bytes (multisig) are hashed each time.
interface CachedScript {
  readonly script: Uint8Array;
  readonly hash: Uint8Array;
  readonly hex: string;
}
const scriptCache = new Map<number, CachedScript>();
const SCRIPT_HASH_CACHE_SIZE = 16_384;

/** FNV-1a over the bytes. */
function fingerprint(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function cachedScript(script: Uint8Array): CachedScript {
  const id = fingerprint(script);
  const found = scriptCache.get(id);
  if (found && equalBytes(found.script, script)) return found;
  const hash = scriptHash(script);
  const entry = { script: script.slice(), hash, hex: bytesToHex(hash) };
  setBounded(scriptCache, id, entry, SCRIPT_HASH_CACHE_SIZE);
  return entry;
}

/** hash160 of a verification script, from a small cache for short (single-key) scripts. */
export function verificationScriptHash(script: Uint8Array): Uint8Array {
  return script.length > 128 ? scriptHash(script) : cachedScript(script).hash;
}

/** The same, as raw hex (the ledger's key of an account). */
export function verificationScriptHex(script: Uint8Array): string {
  return script.length > 128 ? bytesToHex(scriptHash(script)) : cachedScript(script).hex;
}

/** A received transaction, checked: its id, or the rule it breaks. */
export type CheckedTransaction =
  | { ok: true; tx: Transaction; hash: Uint8Array; message: Uint8Array }
  | { ok: false; error: Error };

/**
 * The receive path for many transactions at once (a block, a mempool batch): decode each, take
 * its hash, then check every witness with all signatures in flight together. Decoding the batch
 * before dispatching its verifications keeps the verifier's threads busy (measured by
 * `npm run bench`). Each result is independent: one bad transaction does not fail the others.
 * `signersOf` gives the accounts that must sign (from the ledger), or undefined to check the
 * witnesses against the accounts they name.
 */
export async function checkTransactionBatch(
  items: readonly Uint8Array[],
  verifier: SignatureVerifier = defaultVerifier(),
  signersOf?: (tx: Transaction) => readonly Uint8Array[] | undefined,
): Promise<CheckedTransaction[]> {
  const decoded = items.map((bytes): CheckedTransaction => {
    try {
      const { tx, message } = decodeTransactionWithMessage(bytes);
      return { ok: true, tx, message, hash: messageHash(message) };
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  });
  return Promise.all(decoded.map(async (d): Promise<CheckedTransaction> => {
    if (!d.ok) return d;
    try {
      await verifyWitnesses(d.tx, signersOf?.(d.tx), verifier, d.message);
      return d;
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  }));
}
