/**
 * The pool of transactions waiting for a block (whitepaper 5.2: validators may not leave a valid
 * transaction out, so the pool keeps every valid one; it has no fee market and evicts nothing to
 * make room). A transaction enters after every rule of the ledger at the tip, signatures
 * included; the first of two transactions that spend the same output wins; a full pool refuses
 * new ones. After each block the pool drops what the block holds and re-checks the rest against
 * the new tip (signatures stay valid: their bytes did not change).
 */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { DecodeError, ProtocolError, isInputError } from '../encoding/errors.ts';
import { uintToString } from '../encoding/primitives.ts';
import { defaultVerifier, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { allInputs, decodeTransactionWithMessage, encodeTransaction, messageHash, signingMessage, witnessesSize, type Transaction } from '../tx/transaction.ts';
import type { Ledger } from '../state/ledger.ts';
import { outpointKey } from '../state/keys.ts';

export type MempoolErrorCode = 'MEMPOOL_DUPLICATE' | 'MEMPOOL_CONFLICT' | 'MEMPOOL_FULL' | 'MEMPOOL_BUSY';

export function poolError(code: MempoolErrorCode, message: string, data: Record<string, unknown> = {}) {
  return new ProtocolError<MempoolErrorCode>(code, message, data);
}

interface Entry {
  readonly tx: Transaction;
  readonly hash: Uint8Array;
  readonly message: Uint8Array;
  /** Its bytes as they came, when they came as bytes (see `bytesOf`). */
  readonly bytes: Uint8Array | undefined;
  readonly size: number;
  readonly spends: string[];
  /** When it entered (ms). */
  readonly at: number;
  /** Whether it was submitted to this node (not gossiped to it): see `stale`. */
  readonly local: boolean;
  /** When this node last gossiped it again (see `stale`). */
  announced?: number;
}

export interface MempoolOptions {
  /** Most transactions held (default 100,000). */
  maxTransactions?: number;
  /** Most bytes held (default 256 MiB). */
  maxBytes?: number;
  verifier?: SignatureVerifier;
}

export class Mempool {
  readonly #ledger: Ledger;
  readonly #verifier: SignatureVerifier;
  readonly #maxTransactions: number;
  readonly #maxBytes: number;
  /** In arrival order (Map keeps insertion order). */
  readonly #entries = new Map<string, Entry>();
  /** Outpoint key -> hash (hex) of the pool transaction spending it. */
  readonly #spentBy = new Map<string, string>();
  #bytes = 0;

  constructor(ledger: Ledger, options: MempoolOptions = {}) {
    this.#ledger = ledger;
    this.#verifier = options.verifier ?? defaultVerifier();
    this.#maxTransactions = options.maxTransactions ?? 100_000;
    this.#maxBytes = options.maxBytes ?? 256 << 20;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Whether a transaction in the pool spends the output `key` (outpoint key). */
  spent(key: string): boolean {
    return this.#spentBy.has(key);
  }

  has(hash: Uint8Array): boolean {
    return this.#entries.has(bytesToHex(hash));
  }

  get(hash: Uint8Array): Transaction | undefined {
    return this.#entries.get(bytesToHex(hash))?.tx;
  }

  /** A pool transaction's bytes: as they came (decoding is canonical), or encoded now. */
  bytesOf(hash: Uint8Array): Uint8Array | undefined {
    const e = this.#entries.get(bytesToHex(hash));
    return e && (e.bytes ?? encodeTransaction(e.tx));
  }

  /**
   * True when the pool holds this very transaction (same signed bytes, same witnesses): its
   * signatures were verified when it came in, so a block that carries it need not check them again.
   */
  holdsVerified(tx: Transaction, message: Uint8Array): boolean {
    const e = this.#entries.get(bytesToHex(messageHash(message)));
    if (!e || !equalBytes(e.message, message) || e.tx.witnesses.length !== tx.witnesses.length) return false;
    return e.tx.witnesses.every((w, i) => equalBytes(w.invocation, tx.witnesses[i].invocation) && equalBytes(w.verification, tx.witnesses[i].verification));
  }

  /**
   * A pool transaction and the outputs it spends. Every entry passes the ledger's rules at the
   * current tip (checked on entry, and again by `afterBlock` after each block), and no two
   * entries spend the same output: a block builder need not check them again.
   */
  entry(hash: Uint8Array): { readonly tx: Transaction; readonly message: Uint8Array; readonly bytes: Uint8Array | undefined; readonly spends: readonly string[] } | undefined {
    return this.#entries.get(bytesToHex(hash));
  }

  /**
   * The hashes of the transactions, in the order they came: at most `max`, and only those held
   * for `settledMs` at least (so that gossip has had time to bring them to the other peers).
   */
  hashes(max = Infinity, settledMs = 0): Uint8Array[] {
    const out: Uint8Array[] = [];
    const before = Date.now() - settledMs;
    for (const e of this.#entries.values()) {
      if (out.length >= max || e.at > before) break; // arrival order: the rest came later
      out.push(e.hash);
    }
    return out;
  }

  /**
   * The bytes of transactions waiting longer than `olderThanMs` (at most `max`), oldest first,
   * and marks them announced now: what a node gossips again in case a peer missed them.
   * Transactions that came by gossip wait `othersAfterMs` instead: the node they were submitted
   * to announces them again, and every peer that holds them already receives each copy only to
   * drop it (a busy network whose pool waits a few blocks would otherwise carry every waiting
   * transaction again from each of its peers at each block).
   */
  stale(olderThanMs: number, max: number, othersAfterMs = 5 * olderThanMs): Uint8Array[] {
    const out: Uint8Array[] = [];
    const now = Date.now();
    for (const e of this.#entries.values()) {
      if (out.length >= max) break;
      if (now - (e.announced ?? e.at) < (e.local ? olderThanMs : othersAfterMs)) continue;
      e.announced = now;
      out.push(e.bytes ?? encodeTransaction(e.tx));
    }
    return out;
  }

  /** The transactions, in the order they came. */
  transactions(): Transaction[] {
    return [...this.#entries.values()].map((e) => e.tx);
  }

  /**
   * Whether the transaction of this hash is in the pool or in a block: what a node drops from
   * gossip at the cost of a hash, before any rule.
   */
  knows(hash: Uint8Array): boolean {
    const id = bytesToHex(hash);
    return this.#entries.has(id) || this.#ledger.txs.has(id);
  }

  /**
   * Adds a transaction (bytes from a peer, a decoded one, or one decoded with its signed bytes,
   * and with its bytes and its hash, hash256 of those signed bytes, when the caller has them);
   * returns its hash. `local`: it was submitted to this node, which announces it again while it
   * waits (`stale`). Throws a DecodeError or a ProtocolError with the rule's code, and then
   * changes nothing.
   */
  async add(input: Uint8Array | Transaction | { tx: Transaction; message: Uint8Array; bytes?: Uint8Array; hash?: Uint8Array }, options: { local?: boolean } = {}): Promise<Uint8Array> {
    const { tx, message, bytes, hash: known } = input instanceof Uint8Array ? { ...decodeTransactionWithMessage(input), bytes: input, hash: undefined } :
      'message' in input ? input : { tx: input, message: signingMessage(input), bytes: undefined, hash: undefined };
    const size = message.length + witnessesSize(tx.witnesses);
    const tip = this.#ledger.tip.blockHash;
    const hash = known ?? messageHash(message);
    const id = bytesToHex(hash);
    this.#refuseCopy(id, hash); // before any rule is run for it
    this.#ledger.checkTransactionRules(tx, message, hash);
    const spends = allInputs(tx).map((i) => outpointKey(i.prevHash, i.prevIndex));
    this.#checkConflicts(spends);
    if (this.#entries.size >= this.#maxTransactions || this.#bytes + size > this.#maxBytes) {
      throw poolError('MEMPOOL_FULL', 'the pool is full; try again after the next block', { transactions: this.#entries.size, bytes: this.#bytes });
    }
    await this.#ledger.verifyTransactionWitnesses(tx, message, this.#verifier);
    // Checked again after the await: another transaction may have come in meanwhile, and a
    // block may have changed the tip (every entry is valid at the tip: see `entry`).
    this.#refuseCopy(id, hash);
    this.#checkConflicts(spends);
    if (!equalBytes(this.#ledger.tip.blockHash, tip)) this.#ledger.checkTransactionRules(tx, message, hash);
    this.#entries.set(id, { tx, hash, message, bytes, size, spends, at: Date.now(), local: options.local === true });
    for (const s of spends) this.#spentBy.set(s, id);
    this.#bytes += size;
    return hash;
  }

  #refuseCopy(id: string, hash: Uint8Array): void {
    if (this.#entries.has(id)) throw poolError('MEMPOOL_DUPLICATE', 'this transaction is in the pool already', { tx: uintToString(hash) });
  }

  #checkConflicts(spends: readonly string[]): void {
    for (const s of spends) {
      const other = this.#spentBy.get(s);
      if (other) {
        throw poolError('MEMPOOL_CONFLICT', 'another transaction in the pool spends the same output', {
          output: s, with: uintToString(this.#entries.get(other)!.hash),
        });
      }
    }
  }

  #remove(id: string): void {
    const e = this.#entries.get(id);
    if (!e) return;
    this.#entries.delete(id);
    for (const s of e.spends) if (this.#spentBy.get(s) === id) this.#spentBy.delete(s);
    this.#bytes -= e.size;
  }

  /**
   * After the ledger applied one or more blocks: drops what they hold (the ledger's transaction
   * index says which), then re-checks the rest against the new tip and drops those that no
   * longer pass (their inputs spent by a block, for instance), with the reason.
   *
   * `spent` (the outpoint keys the new blocks spent), when given, spares most of the re-checks:
   * a pool ContractTransaction spends only outputs already in blocks, and its rules read nothing
   * else a block can change (the assets' precision and admin never change), so it needs checking
   * again only when a block spent one of its inputs. Other types are always checked again.
   */
  afterBlock(spent?: ReadonlySet<string>): { included: number; dropped: { tx: string; code: string }[] } {
    let included = 0;
    for (const id of [...this.#entries.keys()]) {
      if (this.#ledger.txs.has(id)) {
        this.#remove(id);
        included++;
      }
    }
    const dropped: { tx: string; code: string }[] = [];
    for (const [id, e] of [...this.#entries]) {
      if (spent && e.tx.type === 'ContractTransaction' && !e.spends.some((k) => spent.has(k))) continue;
      try {
        this.#ledger.checkTransactionRules(e.tx, e.message, e.hash);
      } catch (err) {
        if (!isInputError(err)) throw err;
        this.#remove(id);
        dropped.push({ tx: uintToString(e.hash), code: err instanceof DecodeError ? err.code : (err as ProtocolError).code });
      }
    }
    return { included, dropped };
  }
}
