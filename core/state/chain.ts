/**
 * The ledger on a KeyValueStore, safe against a kill at any moment. Each block is written in one
 * atomic batch: its bytes, its delta (the changed table entries, before and after), and the tip
 * marker. Every `snapshotInterval` blocks the whole state is written as a few large chunks.
 * Opening reads the latest snapshot and replays the deltas after it up to the tip marker, so the
 * ledger is always the state of the last fully written block. IndexedDB writes about 5,000
 * records a second in Chromium: few large records (one delta per block) is what makes a
 * browser peer keep up, where one record per output would not.
 */
import * as P from 'micro-packed';
import { equalBytes } from '../encoding/bytes.ts';
import { UInt256, decodeStrict, uintToString } from '../encoding/primitives.ts';
import { defaultVerifier, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { decodeBlock, decodeBlockWithMessages, encodeBlock, type Block } from '../block/block.ts';
import { blockHash } from '../block/header.ts';
import type { BatchOp, KeyValueStore } from '../store/kv.ts';
import { Ledger, verifyBlockSignatures } from './ledger.ts';
import { genesisOf, type NetworkSettings } from './settings.ts';
import type { Delta } from './tables.ts';
import { decodeDelta, encodeDelta } from './codecs.ts';

const TipMarker = P.struct({ height: P.U32LE, hash: UInt256 });
const SnapshotMarker = P.struct({ height: P.U32LE, chunks: P.U32LE });

/** During a sync: transactions whose signatures verify at once (whole blocks, in order). */
const VERIFY_WINDOW = 1024;
/** During a sync: blocks decoded ahead of the one being applied, at most this many and about this many transactions. */
const LOOKAHEAD_BLOCKS = 256;
const LOOKAHEAD_TXS = 4096;
/** Most blocks one write commits together, and most blocks applied but not yet written. */
const WRITE_GROUP = 64;
const UNWRITTEN_MAX = 128;

const TIP_KEY = Uint8Array.of(0x6d); // 'm'
const SNAPSHOT_KEY = Uint8Array.of(0x53); // 'S'

function key(prefix: number, ...nums: number[]): Uint8Array {
  const k = new Uint8Array(1 + 4 * nums.length);
  k[0] = prefix;
  const v = new DataView(k.buffer);
  nums.forEach((n, i) => v.setUint32(1 + 4 * i, n, false)); // big-endian: keys sort by height
  return k;
}
const blockKey = (h: number) => key(0x62, h); // 'b'
const deltaKey = (h: number) => key(0x64, h); // 'd'
const chunkKey = (h: number, i: number) => key(0x73, h, i); // 's'

/** The store does not hold a consistent chain of these settings. */
export class StoreError extends Error {
  override name = 'StoreError';
}

export interface AddBlockOptions {
  verifier?: SignatureVerifier;
  /** The transactions' signed bytes, when the caller has them. */
  messages?: readonly Uint8Array[];
  /** The block's bytes as received, stored as they are. */
  bytes?: Uint8Array;
  /** false: resolve once applied in memory, the write queued (see `flush`). */
  wait?: boolean;
  /** The block's signature checks, header and transactions, started by the caller (see `addBlocks`). */
  signatures?: Promise<unknown>;
}

export interface OpenProgress {
  /** Deltas replayed so far, and how many there are. */
  replayed: number;
  total: number;
}

/**
 * What a node needs of its chain: the ledger it reads (pool checks, wallet queries), and blocks
 * added and served. `Chain` is one in this thread; `RemoteChain` (remote-chain.ts) checks and
 * stores blocks in a worker and keeps a copy of the ledger here.
 */
export interface ChainLike {
  readonly ledger: Ledger;
  readonly settings: NetworkSettings;
  readonly height: number;
  /**
   * Checks and stores blocks in a worker, which verifies every signature there: a caller starts
   * no signature checks of its own (`AddBlockOptions.signatures` is for a chain in this thread).
   */
  readonly inWorker: boolean;
  addBlock(block: Block, options?: AddBlockOptions): Promise<Delta>;
  addBlocks(blocks: readonly Uint8Array[], options?: AddBlocksOptions): Promise<void>;
  flush(): Promise<void>;
  blockBytes(height: number): Promise<Uint8Array | undefined>;
  block(height: number): Promise<Block | undefined>;
  close(): Promise<void>;
}

export interface AddBlocksOptions {
  verifier?: SignatureVerifier;
  /**
   * After each block is applied (in memory), with its delta and, from a chain in this thread,
   * the delta's bytes as they are being written (to read or copy, not to change or transfer).
   */
  onBlock?: (height: number, delta: Delta, encoded?: Uint8Array) => void;
  /** false: resolve once all are applied, their writes queued (see `flush`). */
  flush?: boolean;
}

export class Chain implements ChainLike {
  readonly inWorker = false;
  readonly ledger: Ledger;
  readonly store: KeyValueStore;
  readonly settings: NetworkSettings;
  #snapshot: { height: number; chunks: number } | undefined;
  /** The queue of block writes, in order. */
  #writing: Promise<void> = Promise.resolve();
  /** Blocks applied in memory whose writes have not started: the next write takes them all. */
  #queued: { ops: BatchOp[]; snapshot?: { height: number; ops: BatchOp[]; chunks: number } }[] = [];
  #failed: Error | undefined;

  private constructor(ledger: Ledger, store: KeyValueStore, snapshot: { height: number; chunks: number } | undefined) {
    this.ledger = ledger;
    this.store = store;
    this.settings = ledger.settings;
    this.#snapshot = snapshot;
  }

  /** Opens the chain in `store`, writing the genesis block into an empty one. */
  static async open(store: KeyValueStore, settings: NetworkSettings, onProgress?: (p: OpenProgress) => void): Promise<Chain> {
    const tipBytes = await store.get(TIP_KEY);
    if (!tipBytes) {
      const { ledger, genesis, delta } = Ledger.withGenesis(settings);
      await store.batch(Chain.#blockOps(genesis, delta));
      return new Chain(ledger, store, undefined);
    }
    const tip = decodeStrict(TipMarker, tipBytes, 'TipMarker');
    const snapBytes = await store.get(SNAPSHOT_KEY);
    const snapshot = snapBytes ? decodeStrict(SnapshotMarker, snapBytes, 'SnapshotMarker') : undefined;
    let ledger: Ledger;
    let from: number;
    if (snapshot && snapshot.height <= tip.height) {
      const chunks = await store.range(chunkKey(snapshot.height, 0), chunkKey(snapshot.height + 1, 0));
      if (chunks.length !== snapshot.chunks) throw new StoreError(`snapshot at ${snapshot.height} has ${chunks.length} of ${snapshot.chunks} chunks`);
      ledger = Ledger.fromSnapshot(settings, chunks.map(([, v]) => v));
      from = snapshot.height + 1;
    } else {
      ledger = new Ledger(settings);
      from = 0;
    }
    const deltas = await store.range(deltaKey(from), deltaKey(tip.height + 1));
    deltas.forEach(([, bytes], i) => {
      const delta = decodeDelta(bytes);
      if (delta.height !== from + i) throw new StoreError(`delta ${from + i} is missing`);
      ledger.replay(delta);
      onProgress?.({ replayed: i + 1, total: deltas.length });
    });
    if (ledger.height !== tip.height || !equalBytes(ledger.tip.blockHash, tip.hash)) {
      throw new StoreError(`replay ends at ${ledger.height}, the tip marker says ${tip.height}`);
    }
    const genesisHash = ledger.headers.get('00000000')?.hash;
    if (!genesisHash || !equalBytes(genesisHash, blockHash(genesisOf(settings)))) {
      throw new StoreError(`this store holds another network's chain (genesis ${genesisHash ? uintToString(genesisHash) : 'missing'})`);
    }
    return new Chain(ledger, store, snapshot);
  }

  static #blockOps(block: Block, delta: Delta, bytes?: Uint8Array, encodedDelta = encodeDelta(delta)): BatchOp[] {
    return [
      { type: 'put', key: blockKey(block.height), value: bytes ?? encodeBlock(block) },
      { type: 'put', key: deltaKey(block.height), value: encodedDelta },
      { type: 'put', key: TIP_KEY, value: TipMarker.encode({ height: block.height, hash: delta.blockHash }) },
    ];
  }

  /** Height of the tip. */
  get height(): number {
    return this.ledger.height;
  }

  /**
   * Checks and applies a block, then writes it atomically; a block that breaks a rule throws
   * its ProtocolError and changes nothing, in memory or in the store. By default it resolves
   * once the block is on disk; with `wait: false` it resolves once applied in memory, the write
   * queued behind the earlier ones (`flush()` waits for them), so that checking the next block
   * overlaps writing this one during a sync.
   */
  async addBlock(block: Block, options: AddBlockOptions = {}): Promise<Delta> {
    return (await this.#addBlock(block, options)).delta;
  }

  /** `addBlock`, also giving the delta's bytes as written (a sync hands them on). */
  async #addBlock(block: Block, options: AddBlockOptions): Promise<{ delta: Delta; encoded: Uint8Array }> {
    if (this.#failed) throw new StoreError(`an earlier write failed (${this.#failed.message}): reopen the chain`);
    const delta = await this.ledger.applyBlock(block, options.verifier ?? defaultVerifier(), options.messages, options.signatures);
    const encoded = encodeDelta(delta);
    const ops = Chain.#blockOps(block, delta, options.bytes, encoded);
    // A snapshot is of this block's state: taken now, written in turn.
    const snapshot = block.height % this.settings.snapshotInterval === 0 ? this.#snapshotOps() : undefined;
    this.#queued.push({ ops, snapshot });
    const write = this.#writing.then(() => this.#writeQueued());
    this.#writing = write.catch((e: Error) => {
      this.#failed = e;
    });
    if (options.wait === false) return { delta, encoded };
    try {
      await write;
    } catch (e) {
      if (this.ledger.height === block.height) {
        this.ledger.rollback(delta); // the store did not take it: neither does the ledger
        this.#failed = undefined;
        this.#writing = Promise.resolve();
      }
      throw e;
    }
    return { delta, encoded };
  }

  /**
   * Writes every block queued so far in one atomic batch (group commit): while one write is on
   * its way to disk, the blocks applied meanwhile wait and go together in the next. Reopening
   * after a kill still gives the state of the last block written whole, and a sync pays one
   * durable commit per group instead of one per block. A write finding the queue empty had its
   * blocks written by the one before it.
   */
  async #writeQueued(): Promise<void> {
    const group = this.#queued.splice(0, WRITE_GROUP);
    if (group.length === 0) return;
    // Each block's ops carry its tip marker: the group needs only the last one.
    await this.store.batch(group.flatMap((g, i) => (i === group.length - 1 ? g.ops : g.ops.filter((op) => op.key !== TIP_KEY))));
    const snapshot = group.findLast((g) => g.snapshot)?.snapshot;
    if (snapshot) await this.#commitSnapshot(snapshot);
  }

  /** The receive path: a block's bytes, decoded once, its transactions' signed bytes sliced from them. */
  async addBlockBytes(bytes: Uint8Array, options: Omit<AddBlockOptions, 'messages' | 'bytes'> = {}): Promise<Delta> {
    const { block, messages } = decodeBlockWithMessages(bytes);
    return this.addBlock(block, { ...options, messages, bytes });
  }

  /**
   * A run of consecutive blocks as received (a sync): each block's signatures start verifying
   * while the one before is applied, and each write is queued behind the last. Stops at the
   * first block that breaks a rule, throwing its error; the blocks before it stay. Resolves when
   * all are on disk (with `flush: false`, once all are applied, their writes queued: a sync
   * fetching the next range flushes at its end).
   */
  async addBlocks(blocks: readonly Uint8Array[], options: AddBlocksOptions = {}): Promise<void> {
    const verifier = options.verifier ?? defaultVerifier();
    type Ahead = { block: Block; messages: Uint8Array[]; bytes: Uint8Array; txs: number; signatures: Promise<unknown>; start: () => void };
    // Blocks verify in order, as many at once as keep about VERIFY_WINDOW transactions in flight:
    // a block of a thousand transfers alone (the block the ledger needs next finishes first; all
    // at once would finish together, after the last), small blocks many at a time (each one
    // alone would wait out the verification threads' round trip).
    let verifying = 0;
    const waiting: Ahead[] = [];
    const startVerifications = () => {
      while (waiting.length > 0 && (verifying === 0 || verifying + waiting[0].txs <= VERIFY_WINDOW)) {
        const next = waiting.shift()!;
        verifying += next.txs;
        next.start();
      }
    };
    const prepare = (bytes: Uint8Array): Ahead => {
      const { block, messages } = decodeBlockWithMessages(bytes);
      const txs = block.transactions.length;
      let start!: () => void;
      const signatures = new Promise<unknown>((resolve, reject) => {
        start = () => verifyBlockSignatures(block, messages, verifier).then(resolve, reject).finally(() => {
          verifying -= txs;
          startVerifications();
        });
      });
      signatures.catch(() => {}); // reported by addBlock when its turn comes
      const ahead = { block, messages, bytes, txs, signatures, start };
      waiting.push(ahead);
      startVerifications();
      return ahead;
    };
    // Blocks are decoded ahead (up to LOOKAHEAD_TXS transactions, LOOKAHEAD_BLOCKS blocks) while one is applied.
    const queue: Ahead[] = [];
    let next = 0;
    let aheadTxs = 0;
    const fill = () => {
      while (next < blocks.length && queue.length < LOOKAHEAD_BLOCKS && (queue.length === 0 || aheadTxs < LOOKAHEAD_TXS)) {
        const a = prepare(blocks[next++]);
        aheadTxs += a.txs;
        queue.push(a);
      }
    };
    try {
      fill();
      while (queue.length > 0) {
        const current = queue.shift()!;
        aheadTxs -= current.txs;
        fill();
        // Applying runs ahead of the disk by at most UNWRITTEN_MAX blocks: memory stays bounded,
        // and a page closed in the middle of a sync reopens close to where it was.
        if (this.#queued.length >= UNWRITTEN_MAX) await this.#writing;
        const { delta, encoded } = await this.#addBlock(current.block, { verifier, messages: current.messages, bytes: current.bytes, signatures: current.signatures, wait: false });
        options.onBlock?.(current.block.height, delta, encoded);
      }
    } catch (e) {
      await this.#writing; // the good blocks before the bad one are written before the error is reported
      throw e;
    }
    if (options.flush !== false) await this.flush();
  }

  /** Waits until every block added so far is on disk. */
  async flush(): Promise<void> {
    await this.#writing;
    if (this.#failed) throw new StoreError(`a write failed (${this.#failed.message}): reopen the chain`);
  }

  #snapshotOps(): { height: number; ops: BatchOp[]; chunks: number } {
    const height = this.ledger.height;
    const chunks = this.ledger.snapshot();
    const ops: BatchOp[] = chunks.map((value, i) => ({ type: 'put', key: chunkKey(height, i), value }));
    ops.push({ type: 'put', key: SNAPSHOT_KEY, value: SnapshotMarker.encode({ height, chunks: chunks.length }) });
    return { height, ops, chunks: chunks.length };
  }

  async #commitSnapshot(s: { height: number; ops: BatchOp[]; chunks: number }): Promise<void> {
    const old = this.#snapshot;
    const ops = [...s.ops];
    if (old && old.height !== s.height) for (let i = 0; i < old.chunks; i++) ops.push({ type: 'del', key: chunkKey(old.height, i) });
    await this.store.batch(ops);
    this.#snapshot = { height: s.height, chunks: s.chunks };
  }

  /** Undoes the tip block (a validator that signed nothing final may drop a candidate block). */
  async rollbackTip(): Promise<void> {
    await this.flush();
    const height = this.ledger.height;
    if (height <= 0) throw new RangeError('there is no block above genesis to roll back');
    const bytes = await this.store.get(deltaKey(height));
    if (!bytes) throw new StoreError(`delta ${height} is missing`);
    const delta = decodeDelta(bytes);
    this.ledger.rollback(delta);
    const ops: BatchOp[] = [
      { type: 'del', key: blockKey(height) },
      { type: 'del', key: deltaKey(height) },
      { type: 'put', key: TIP_KEY, value: TipMarker.encode({ height: height - 1, hash: this.ledger.tip.blockHash }) },
    ];
    if (this.#snapshot?.height === height) {
      for (let i = 0; i < this.#snapshot.chunks; i++) ops.push({ type: 'del', key: chunkKey(height, i) });
      ops.push({ type: 'del', key: SNAPSHOT_KEY });
      this.#snapshot = undefined;
    }
    await this.store.batch(ops);
  }

  /** A stored block's bytes. */
  async blockBytes(height: number): Promise<Uint8Array | undefined> {
    return this.store.get(blockKey(height));
  }

  /** A stored block. */
  async block(height: number): Promise<Block | undefined> {
    const b = await this.blockBytes(height);
    return b && decodeBlock(b);
  }

  async close(): Promise<void> {
    await this.#writing;
    await this.store.close();
  }
}
