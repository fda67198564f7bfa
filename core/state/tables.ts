/**
 * The ledger's tables: typed in-memory maps whose every write is journaled. A block's journal is
 * its delta (each changed key with its value before and after), which is what the store writes
 * (one record per block) and what rolls the block back. Values have micro-packed schemas, used
 * for deltas, snapshots and the state hash.
 */
import * as P from 'micro-packed';
import { Fixed8, UInt160, UInt256, varArray, varBytes, varString } from '../encoding/primitives.ts';
import { ECPoint } from '../crypto/keys.ts';
import { AssetType } from '../tx/register.ts';
import type { ValueCodec } from './codecs.ts';

/** An unspent output and the height that created it. */
export const UtxoRecord = P.struct({ assetId: UInt256, value: Fixed8, scriptHash: UInt160, height: P.U32LE });
export type UtxoRecord = P.UnwrapCoder<typeof UtxoRecord>;
/**
 * An unspent output as the ledger holds it: the record, with its account and asset as hex (the
 * keys of the derived indexes and of the rules' maps), computed once when the output is made.
 */
export type Utxo = UtxoRecord & { readonly account: string; readonly asset: string };

/** Where a transaction is: its block and position, and how many outputs it made. */
export const TxRecord = P.struct({ height: P.U32LE, index: P.U32LE, outputs: P.U32LE });
export type TxRecord = P.UnwrapCoder<typeof TxRecord>;

/** A registered asset with the amount issued so far. */
export const AssetRecord = P.struct({
  assetType: AssetType,
  name: varString(1024),
  amount: Fixed8,
  precision: P.U8,
  issuer: ECPoint,
  admin: UInt160,
  issued: Fixed8,
  height: P.U32LE,
});
export type AssetRecord = P.UnwrapCoder<typeof AssetRecord>;

/** A validator candidate, keyed by its EnrollmentTransaction hash (its deposit is output 0). */
export const CandidateRecord = P.struct({ publicKey: ECPoint, height: P.U32LE });
export type CandidateRecord = P.UnwrapCoder<typeof CandidateRecord>;

/**
 * An elected candidate's seat (docs/consensus-design.md, "Elections that cannot stop the chain"),
 * keyed by its public key (hex, compressed): the height from which it holds its current seat
 * (0: none now), the last height whose block records its deal in the fixed set, and the height
 * before which it may not be elected again after it was found absent.
 */
export const SeatRecord = P.struct({ joined: P.U32LE, seen: P.U32LE, excludedUntil: P.U32LE });
export type SeatRecord = P.UnwrapCoder<typeof SeatRecord>;

/** AntShare of an unspent output of a VotingTransaction, voting for each named candidate. */
export const VoteRecord = P.struct({ enrollments: varArray(1024, UInt256), value: Fixed8, scriptHash: UInt160 });
export type VoteRecord = P.UnwrapCoder<typeof VoteRecord>;

/** The chain's tip and counters, under the key "tip". */
export const MetaRecord = P.struct({
  height: P.U32LE,
  blockHash: UInt256,
  timestamp: P.U32LE,
  /** AntCoin created by MinerTransactions so far. */
  antCoinMinted: Fixed8,
  /** Service fees destroyed so far: back to the undistributed pool. */
  antCoinBurned: Fixed8,
  /** Validators of the next block, sorted. */
  validators: varArray(1024, ECPoint),
});
export type MetaRecord = P.UnwrapCoder<typeof MetaRecord>;

/** A block's hash by height. */
export const HeaderRecord = P.struct({ hash: UInt256, timestamp: P.U32LE });
export type HeaderRecord = P.UnwrapCoder<typeof HeaderRecord>;

/** A transaction that touched an account (history by script hash). */
export const HistoryRecord = P.struct({ txHash: UInt256 });
export type HistoryRecord = P.UnwrapCoder<typeof HistoryRecord>;

type Change<V> = { before: V | undefined; after: V | undefined };

/** Records the first value before and the last value after of each key changed since `begin`. */
export class Journal {
  readonly #changes = new Map<Table<unknown>, Map<string, Change<unknown>>>();

  record<V>(table: Table<V>, key: string, before: V | undefined, after: V | undefined): void {
    let t = this.#changes.get(table as Table<unknown>);
    if (!t) this.#changes.set(table as Table<unknown>, (t = new Map()));
    const c = t.get(key);
    if (c) c.after = after;
    else t.set(key, { before, after });
  }

  /** Forgets what was recorded. */
  clear(): void {
    this.#changes.clear();
  }

  /**
   * The recorded changes, tables in id order, keys in the order first changed (each key once, so
   * the order does not matter to a replay); keys that came back to where they were are left out.
   */
  changes(): { table: Table<unknown>; key: string; before: unknown; after: unknown }[] {
    const out: { table: Table<unknown>; key: string; before: unknown; after: unknown }[] = [];
    this.#each((table, key, before, after) => out.push({ table, key, before, after }));
    return out;
  }

  /** The recorded changes as a delta's entries (`changes`, values encoded), in one pass. */
  encodedChanges(): Delta['changes'] {
    const out: Delta['changes'] = [];
    this.#each((table, key, before, after) => out.push({
      table: table.id,
      key,
      before: before === undefined ? undefined : table.codec.encode(before),
      after: after === undefined ? undefined : table.codec.encode(after),
    }));
    return out;
  }

  #each(visit: (table: Table<unknown>, key: string, before: unknown, after: unknown) => void): void {
    const tables = [...this.#changes.keys()].sort((a, b) => a.id - b.id);
    for (const table of tables) {
      for (const [key, c] of this.#changes.get(table)!) {
        if (c.before === undefined && c.after === undefined) continue;
        visit(table, key, c.before, c.after);
      }
    }
  }

  /** Puts every recorded key back to its value before, and forgets. */
  revert(): void {
    for (const { table, key, before } of this.changes().reverse()) table.restore(key, before);
    this.clear();
  }
}

/** A journaled map from string keys to values of one schema. */
export class Table<V> {
  readonly #map = new Map<string, V>();
  readonly id: number;
  readonly name: string;
  readonly codec: ValueCodec<V>;
  readonly #journal: Journal;
  /** Called on every change (derived indexes listen here), including replays and rollbacks. */
  onChange?: (key: string, before: V | undefined, after: V | undefined) => void;

  constructor(id: number, name: string, codec: ValueCodec<V>, journal: Journal) {
    this.id = id;
    this.name = name;
    this.codec = codec;
    this.#journal = journal;
  }

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  get size(): number {
    return this.#map.size;
  }

  set(key: string, value: V): void {
    const before = this.#map.get(key);
    this.#journal.record(this, key, before, value);
    this.#map.set(key, value);
    this.onChange?.(key, before, value);
  }

  delete(key: string): void {
    const before = this.#map.get(key);
    if (before === undefined) return;
    this.#journal.record(this, key, before, undefined);
    this.#map.delete(key);
    this.onChange?.(key, before, undefined);
  }

  /** Sets or deletes without journaling (replays, rollbacks, loading). */
  restore(key: string, value: V | undefined): void {
    const before = this.#map.get(key);
    if (value === undefined) this.#map.delete(key);
    else this.#map.set(key, value);
    this.onChange?.(key, before, value);
  }

  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  entries(): IterableIterator<[string, V]> {
    return this.#map.entries();
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }
}

const Change = P.struct({
  table: P.U8,
  key: varString(256),
  before: P.optional(P.bool, varBytes(1 << 20)),
  after: P.optional(P.bool, varBytes(1 << 20)),
});

/** A block's effect on the tables, enough to apply it again and to undo it. */
export const Delta = P.struct({ height: P.U32LE, blockHash: UInt256, changes: varArray(1 << 24, Change) });
export type Delta = P.UnwrapCoder<typeof Delta>;

/** One table entry of a snapshot. */
export const SnapshotEntry = P.struct({ table: P.U8, key: varString(256), value: varBytes(1 << 20) });
/** A chunk of a snapshot (snapshots are written as a few large records). */
export const SnapshotChunk = varArray(1 << 24, SnapshotEntry);

/**
 * The split order an AgencyTransaction left standing (docs/protocol.md, "Split orders"): the
 * remainder of its one partly filled order, which a later AgencyTransaction of the same agent and
 * pair may fill without a new signature of the client, by spending this transaction's outputs to
 * the client. Keyed by the transaction's hash; gone once continued.
 */
export const SplitRecord = P.struct({ agent: UInt160, assetId: UInt256, valueAssetId: UInt256, client: UInt160, amount: Fixed8, price: Fixed8 });
export type SplitRecord = P.UnwrapCoder<typeof SplitRecord>;
