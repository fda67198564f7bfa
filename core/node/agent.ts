/**
 * An exchange agent as a peer (whitepaper 4.2.2; docs/exchange.md): a Node that takes orders over
 * libp2p (core/p2p/orders.ts) and from its HTTP endpoint (devnet/), keeps them in its book (on
 * disk: it survives a restart), announces itself on the agents topic, publishes its book signed,
 * and after every block: accounts for the settlements the block holds (filled orders out, split
 * orders in), drops the orders that expired or whose inputs were spent, runs one batch auction
 * per pair and sends its settlements, paying their byte fees from its own AntCoin.
 */
import * as P from 'micro-packed';
import { bytesToHex, equalBytes, hexToBytes } from '../encoding/bytes.ts';
import { ProtocolError } from '../encoding/errors.ts';
import { Fixed8, UInt256, formatFixed8, uintToString } from '../encoding/primitives.ts';
import { getPublicKey } from '../crypto/keys.ts';
import { scriptHash, singleKeyScript } from '../script/accounts.ts';
import { ANTCOIN_ID } from '../block/genesis.ts';
import { encodeTransaction, signTransaction, transactionHash, type Transaction } from '../tx/transaction.ts';
import type { TransactionOutput } from '../tx/io.ts';
import type { ChainLike } from '../state/chain.ts';
import type { KeyValueStore } from '../store/kv.ts';
import { outpointKey } from '../state/keys.ts';
import { byteFee } from '../state/settings.ts';
import {
  BookSplit, CancelOrder, OrderBook, PlacedOrder, buildSettlement, checkOrderInputs, checkPlacedOrder, clearingPrice, decodeCancel, decodePlacedOrder, exchangeError,
  pairOf, placedEntry, placedOrderHash, planSettlements, signAnnouncement, signBook, verifyCancel, PublishedBook, AgentAnnouncement, bookHash, audit, readBook,
  type AgentTerms, type BookEntry, type Finding, type Settlement,
} from '../exchange/index.ts';
import { ORDER_CANCEL, ORDER_PLACE, serveOrders, unserveOrders, type OrderAnswer } from '../p2p/orders.ts';
import { PENALTY } from '../p2p/peer.ts';
import type { Node } from './node.ts';

export interface AgentOptions {
  readonly node: Node;
  /** The agent's private key (P-256): its account is the single-key account of it. */
  readonly key: Uint8Array;
  /** Its fee, basis points of the value traded (announced; clients agree to it when they sign). */
  readonly feeBps: number;
  /** Where its book is kept (classic-level under `--data` for `ans agent`). */
  readonly store: KeyValueStore;
  /** Its HTTP endpoint, announced (empty: none). */
  readonly http?: string;
  /** The longest an order may stand, in blocks. */
  readonly maxLifetime?: number;
  /** Bytes of orders in one settlement (default 90,000: the relay limit is 102,400 per transaction). */
  readonly settlementBytes?: number;
  /** How often it announces itself (ms, default 5,000). */
  readonly announceMs?: number;
  readonly log?: (line: string) => void;
}

/** The placed orders the book has seen, as kept on disk: its sequence number, state and bytes. */
const PlacedRecord = P.struct({ seq: P.U32LE, height: P.U32LE, state: P.U8, placed: PlacedOrder });
const CancelRecord = P.struct({ height: P.U32LE, cancel: CancelOrder });
const SettlementRecord = P.struct({ tx: UInt256, price: Fixed8, height: P.U32LE });
const STANDING = 0;
const SPLIT = 1;
const DONE = 2;
/** Cancels and settlements kept in the published book (the most recent). */
const HISTORY = 10_000;

const enc = new TextEncoder();
const key = (kind: string, id: string) => enc.encode(`${kind}:${id}`);

export class Agent {
  readonly node: Node;
  readonly book = new OrderBook();
  readonly terms: AgentTerms;
  readonly publicKey: Uint8Array;
  readonly script: Uint8Array;
  readonly scriptHash: Uint8Array;
  readonly #key: Uint8Array;
  readonly #store: KeyValueStore;
  readonly #options: AgentOptions;
  /** Every placed order taken (id -> record), for the published book and restarts. */
  readonly #placed = new Map<string, { seq: number; height: number; state: number; placed: PlacedOrder }>();
  readonly #cancels: { height: number; cancel: CancelOrder }[] = [];
  readonly #settled: { tx: Uint8Array; price: bigint; height: number }[] = [];
  /** Settlements sent and not yet in a block: by hash (hex), with the AntCoin output each spends. */
  readonly #pending = new Map<string, { settlement: Settlement; coin: string }>();
  /** Entries inside a pending settlement: not in another batch, not cancellable any more. */
  readonly #locked = new Set<string>();
  /** Origins cancelled while settling: their split order, if any, does not stand. */
  readonly #cancelledOrigins = new Set<string>();
  #work: Promise<unknown> = Promise.resolve();
  #bookBytes: Uint8Array | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;
  #offTip: (() => void) | undefined;

  private constructor(options: AgentOptions) {
    this.node = options.node;
    this.#options = options;
    this.#key = options.key;
    this.#store = options.store;
    this.publicKey = getPublicKey(options.key);
    this.script = singleKeyScript(this.publicKey);
    this.scriptHash = scriptHash(this.script);
    this.terms = { magic: options.node.settings.magic, agent: this.scriptHash, feeBps: options.feeBps, maxLifetime: options.maxLifetime };
  }

  /** Starts an agent on a running node: its book read back from its store, its protocols served, its first announcement. */
  static async start(options: AgentOptions): Promise<Agent> {
    const agent = new Agent(options);
    await agent.#load();
    agent.#offTip = options.node.onTip(() => void agent.#serial(() => agent.#afterBlock()).catch((e: unknown) => agent.#log(`after block: ${(e as Error).message}`)));
    await serveOrders(options.node.peer, agent.terms.magic, (kind, bytes, from) => agent.#answer(kind, bytes, from), () => agent.bookBytes());
    agent.#timer = setInterval(() => void agent.announce().catch(() => {}), options.announceMs ?? 5000);
    await agent.#serial(() => agent.#afterBlock());
    await agent.announce();
    return agent;
  }

  #log(line: string): void {
    this.#options.log?.(line);
  }

  /** Runs mutations of the book one at a time (orders, cancels, blocks). */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#work.then(work, work);
    this.#work = run.catch(() => {});
    return run;
  }

  /** Takes a placed order (its bytes): every check (core/exchange/validate.ts), then the book and the disk. Returns its id. */
  place(bytes: Uint8Array): Promise<string> {
    return this.#serial(async () => {
      const placed = decodePlacedOrder(bytes);
      const checked = await checkPlacedOrder(placed, this.node.chain.ledger, this.terms);
      const entry = this.book.add(checked);
      const record = { seq: entry.seq, height: this.node.chain.ledger.height, state: STANDING, placed };
      this.#placed.set(entry.id, record);
      await this.#store.batch([{ type: 'put', key: key('p', entry.id), value: PlacedRecord.encode(record) }]);
      this.#bookBytes = undefined;
      this.#log(`order ${entry.id.slice(0, 12)}: ${entry.side} ${formatFixed8(entry.units)} at ${formatFixed8(entry.price)} by ${uintToString(entry.client)}`);
      return entry.id;
    });
  }

  /** Takes a cancel (its bytes), signed by the order's client: the order leaves the book at once. */
  cancel(bytes: Uint8Array): Promise<string> {
    return this.#serial(async () => {
      const c = decodeCancel(bytes);
      const id = bytesToHex(c.order);
      const record = this.#placed.get(id);
      if (!record || record.state === DONE) throw exchangeError('EXCHANGE_ORDER_UNKNOWN', 'this agent holds no standing order with this id', { order: id });
      await verifyCancel(c, record.placed.order.client, this.terms.magic);
      const standing = this.book.standingFor(id);
      if (standing && !this.#locked.has(standing.id)) this.book.remove(standing.id);
      // Part of it may be in a settlement already sent: that part fills; nothing of it stands after.
      this.#cancelledOrigins.add(id);
      record.state = DONE;
      const height = this.node.chain.ledger.height;
      this.#cancels.push({ height, cancel: c });
      if (this.#cancels.length > HISTORY) this.#cancels.shift();
      await this.#store.batch([
        { type: 'put', key: key('p', id), value: PlacedRecord.encode(record) },
        { type: 'put', key: key('c', id), value: CancelRecord.encode({ height, cancel: c }) },
        ...(standing && standing.id.startsWith('split:') && !this.#locked.has(standing.id) ? [{ type: 'del' as const, key: key('s', standing.id.slice(6)) }] : []),
      ]);
      this.#bookBytes = undefined;
      this.#log(`cancel ${id.slice(0, 12)}`);
      return id;
    });
  }

  /** An order or cancel from a peer, answered in plain words; garbage bans its sender. */
  async #answer(kind: number, bytes: Uint8Array, from: string): Promise<OrderAnswer> {
    try {
      return { id: kind === ORDER_PLACE ? await this.place(bytes) : kind === ORDER_CANCEL ? await this.cancel(bytes) : '' };
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      if (e.code === 'EXCHANGE_MALFORMED') void this.node.peer.penalize(from, PENALTY.invalid, e.message);
      else if (e.code === 'EXCHANGE_SIGNATURE_INVALID') void this.node.peer.penalize(from, PENALTY.unverifiable, e.message);
      return { error: { code: e.code, message: e.message } };
    }
  }

  /** The book as published: signed, every standing order and split order, the cancels and settlements. */
  bookBytes(): Uint8Array {
    if (this.#bookBytes) return this.#bookBytes;
    const orders: { seq: number; height: number; order: PlacedOrder }[] = [];
    const history: PlacedOrder[] = [];
    for (const r of this.#placed.values()) {
      if (r.state === STANDING) orders.push({ seq: r.seq, height: r.height, order: r.placed });
      else history.push(r.placed);
    }
    const splits = this.book.entries().filter((e) => e.id.startsWith('split:')).map((e) => ({ origin: hexToBytes(e.origin), seq: e.seq, amount: e.amount, inputs: [...e.inputs] }));
    const book = signBook({
      agent: this.scriptHash, height: this.node.chain.ledger.height, orders, history, splits, cancels: [...this.#cancels], settlements: [...this.#settled],
    }, this.#key, this.terms.magic);
    this.#bookBytes = PublishedBook.encode(book);
    return this.#bookBytes;
  }

  /** The signed announcement (what the agents topic carries). */
  announcement(): Uint8Array {
    const pairs = this.book.pairs().map((p) => ({ assetId: p.assetId, valueAssetId: p.valueAssetId }));
    return AgentAnnouncement.encode(signAnnouncement({
      publicKey: this.publicKey, feeBps: this.terms.feeBps, pairs, peer: this.node.peer.id, addresses: this.node.peer.addresses().slice(0, 8),
      http: this.#options.http ?? '', height: this.node.chain.ledger.height, book: bookHash(this.bookBytes()),
    }, this.#key, this.terms.magic));
  }

  async announce(): Promise<void> {
    if (!this.#stopped) await this.node.announceAgent(this.announcement());
  }

  /** Reads the book back from the store: standing orders and split orders, re-checked against the ledger after the first block. */
  async #load(): Promise<void> {
    const ledger = this.node.chain.ledger;
    for (const [, value] of await this.#store.range(key('p', ''), key('p', '\uffff'))) {
      const r = PlacedRecord.decode(value);
      const id = bytesToHex(placedOrderHash(r.placed));
      this.#placed.set(id, r);
    }
    for (const [, value] of await this.#store.range(key('c', ''), key('c', '\uffff'))) this.#cancels.push(CancelRecord.decode(value));
    this.#cancels.sort((a, b) => a.height - b.height);
    for (const [, value] of await this.#store.range(key('t', ''), key('t', '\uffff'))) this.#settled.push(SettlementRecord.decode(value));
    this.#settled.sort((a, b) => a.height - b.height);
    for (const [id, r] of this.#placed) {
      if (r.state !== STANDING) continue;
      const o = r.placed.order;
      try {
        this.book.restore(placedEntry(r.placed, id, pairOf(ledger, o.assetId, o.valueAssetId), r.seq));
      } catch (e) {
        this.#log(`order ${id.slice(0, 12)} not restored: ${(e as Error).message}`);
      }
    }
    for (const [k, value] of await this.#store.range(key('s', ''), key('s', '\uffff'))) {
      const s = BookSplit.decode(value);
      const origin = bytesToHex(s.origin);
      const r = this.#placed.get(origin);
      if (!r || r.state !== SPLIT) continue;
      const o = r.placed.order;
      const pair = pairOf(ledger, o.assetId, o.valueAssetId);
      this.book.restore({
        id: `split:${new TextDecoder().decode(k).slice(2)}`, origin, pair, side: o.amount > 0n ? 'buy' : 'sell', client: o.client, price: o.price,
        units: s.amount < 0n ? -s.amount : s.amount, amount: s.amount, inputs: s.inputs, witnesses: [], expires: r.placed.expires, maxFeeBps: r.placed.maxFeeBps, seq: s.seq,
        spends: s.inputs.map((i) => outpointKey(i.prevHash, i.prevIndex)),
      });
    }
  }

  /** After each block: settlements accounted for, the book cleaned, one batch per pair. */
  async #afterBlock(): Promise<void> {
    if (this.#stopped) return;
    const ledger = this.node.chain.ledger;
    const writes: Parameters<KeyValueStore['batch']>[0][number][] = [];
    for (const [hash, { settlement: s }] of [...this.#pending]) {
      const inBlock = ledger.txs.get(hash);
      if (inBlock) {
        this.#pending.delete(hash);
        for (const { entry } of s.plan.fills) {
          this.#locked.delete(entry.id);
          this.book.remove(entry.id);
          if (entry.id.startsWith('split:')) writes.push({ type: 'del', key: key('s', entry.id.slice(6)) });
          const r = this.#placed.get(entry.origin);
          if (r && r.state !== DONE) {
            r.state = s.split?.from === entry && !this.#cancelledOrigins.has(entry.origin) ? SPLIT : DONE;
            writes.push({ type: 'put', key: key('p', entry.origin), value: PlacedRecord.encode(r) });
          }
        }
        if (s.split && !this.#cancelledOrigins.has(s.split.from.origin)) {
          const e = this.book.addSplit(s.split.from, s.hash, s.split.amount, s.split.inputs);
          writes.push({ type: 'put', key: key('s', bytesToHex(s.hash)), value: BookSplit.encode({ origin: hexToBytes(e.origin), seq: e.seq, amount: e.amount, inputs: [...e.inputs] }) });
        }
        const record = { tx: s.hash, price: s.plan.price, height: inBlock.height };
        this.#settled.push(record);
        if (this.#settled.length > HISTORY) this.#settled.shift();
        writes.push({ type: 'put', key: key('t', hash), value: SettlementRecord.encode(record) });
        this.#log(`settled ${hash.slice(0, 12)} in block ${inBlock.height}: ${s.plan.fills.length} orders at ${formatFixed8(s.plan.price)}`);
      } else if (!this.node.mempool.has(s.hash)) {
        // Dropped (a client spent an input meanwhile): its orders are free again; the check below drops those whose inputs went.
        this.#pending.delete(hash);
        for (const { entry } of s.plan.fills) this.#locked.delete(entry.id);
        this.#log(`settlement ${hash.slice(0, 12)} left the pool without a block: its orders go back to the book`);
      }
    }
    for (const d of this.book.afterBlock(ledger)) {
      if (this.#locked.has(d.id)) continue;
      const r = this.#placed.get(d.origin);
      if (r && r.state !== DONE) {
        r.state = DONE;
        writes.push({ type: 'put', key: key('p', d.origin), value: PlacedRecord.encode(r) });
      }
      if (d.id.startsWith('split:')) writes.push({ type: 'del', key: key('s', d.id.slice(6)) });
      this.#log(`order ${d.origin.slice(0, 12)} dropped: ${d.why === 'expired' ? 'expired' : 'its inputs were spent'}`);
    }
    if (writes.length) await this.#store.batch(writes);
    this.#bookBytes = undefined;
    await this.#batch();
  }

  /** One batch auction per pair; its settlements sent, each with an AntCoin output of the agent's own. */
  async #batch(): Promise<void> {
    const ledger = this.node.chain.ledger;
    const busy = new Set([...this.#pending.values()].map((p) => p.coin));
    const coins = ledger.unspent(this.scriptHash, ANTCOIN_ID).filter((c) => !busy.has(outpointKey(c.txHash, c.index)) && !this.node.mempool.spent(outpointKey(c.txHash, c.index)));
    for (const pair of this.book.pairs()) {
      const { bids, asks } = this.book.sides(pair.key);
      const free = (e: BookEntry) => !this.#locked.has(e.id);
      const b = bids.filter(free);
      const a = asks.filter(free);
      const clearing = clearingPrice(b, a, this.terms.feeBps, pair.grid);
      if (!clearing) continue;
      for (const plan of planSettlements(b, a, clearing, this.terms.feeBps, this.#options.settlementBytes ?? 90_000)) {
        const coin = coins.shift();
        if (!coin) {
          this.#log('no free AntCoin output left for another settlement in this batch: the rest waits for the next block');
          return;
        }
        try {
          // Inputs spent since the orders came in (in a block, or by a transaction in the pool) refuse the settlement here.
          for (const { entry } of plan.fills) checkOrderInputs(ledger, entry.client, entry.side, entry.amount, entry.price, entry.inputs, pair);
          const s = buildSettlement(plan, ledger, {
            settings: this.node.settings, agent: { script: this.script, keys: [this.#key], scriptHash: this.scriptHash }, feeBps: this.terms.feeBps,
            coin: { input: { prevHash: coin.txHash, prevIndex: coin.index }, value: coin.output.value },
          });
          await this.node.submit(s.tx);
          this.#pending.set(bytesToHex(s.hash), { settlement: s, coin: outpointKey(coin.txHash, coin.index) });
          for (const { entry } of plan.fills) this.#locked.add(entry.id);
          this.#log(`batch ${pair.key.slice(0, 8)}…: ${plan.fills.length} orders at ${formatFixed8(clearing.price)}, settlement ${bytesToHex(s.hash).slice(0, 12)} sent`);
        } catch (e) {
          this.#log(`a settlement of ${plan.fills.length} orders not sent: ${(e as Error).message}`);
        }
      }
    }
    await this.#splitCoins(coins);
  }

  /**
   * Keeps a few AntCoin outputs of its own (each settlement of a block spends one, and the pool
   * takes no transaction spending another's outputs): when fewer than two are free and one is
   * large enough, it is split into eight.
   */
  async #splitCoins(free: { txHash: Uint8Array; index: number; output: { value: bigint } }[]): Promise<void> {
    if (free.length >= 2 || this.#pending.size > 0) return;
    const biggest = free.sort((a, b) => (a.output.value > b.output.value ? -1 : 1))[0];
    if (!biggest) return;
    const parts = 8n;
    const draft = (fee: bigint): Transaction => signTransaction({
      type: 'ContractTransaction', version: 0, attributes: [], witnesses: [], inputs: [{ prevHash: biggest.txHash, prevIndex: biggest.index }],
      outputs: Array.from({ length: Number(parts) }, (_, i) => ({
        assetId: ANTCOIN_ID, value: (biggest.output.value - fee) / parts + (i === 0 ? (biggest.output.value - fee) % parts : 0n), scriptHash: this.scriptHash,
      })),
    } as Transaction, [{ script: this.script, keys: [this.#key] }]);
    const fee = byteFee(this.node.settings, 'ContractTransaction', encodeTransaction(draft(0n)).length);
    if (biggest.output.value < fee + parts * 1000n) return;
    try {
      await this.node.submit(draft(fee));
      this.#log(`split an AntCoin output of ${formatFixed8(biggest.output.value)} into ${parts} for settlements' fees`);
    } catch (e) {
      this.#log(`could not split an AntCoin output: ${(e as Error).message}`);
    }
  }

  /** Pending settlements (sent, not yet in a block). */
  get pending(): number {
    return this.#pending.size;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#offTip?.();
    await unserveOrders(this.node.peer, this.terms.magic);
    await this.#work;
  }
}

/**
 * Audits an agent from a node's own chain (docs/exchange.md, "Auditing"): its book (bytes, as
 * fetched from it) checked against its key, then replayed against every AgencyTransaction naming
 * it, read from the blocks this node validated. Returns the book and the findings (none: the
 * agent kept to its book and its clients' terms).
 */
export async function auditAgent(chain: ChainLike, bookBytes: Uint8Array, publicKey: Uint8Array, feeBps: number): Promise<{ book: PublishedBook; findings: Finding[]; settlements: number }> {
  const book = await readBook(bookBytes, publicKey, chain.settings.magic);
  const agentHash = scriptHash(singleKeyScript(publicKey));
  const outputs = new Map<string, TransactionOutput>();
  const onChain: { tx: Extract<Transaction, { type: 'AgencyTransaction' }>; hash: Uint8Array; height: number }[] = [];
  for (let h = 0; h <= chain.height; h++) {
    const block = await chain.block(h);
    if (!block) continue;
    for (const tx of block.transactions) {
      const hash = transactionHash(tx);
      const hex = bytesToHex(hash);
      tx.outputs.forEach((o, i) => outputs.set(`${hex}:${i}`, o));
      if (tx.type === 'AgencyTransaction' && equalBytes(tx.agent, agentHash)) onChain.push({ tx, hash, height: h });
    }
  }
  const findings = audit({ book, onChain, feeBps, outputOf: (prevHash, prevIndex) => outputs.get(`${bytesToHex(prevHash)}:${prevIndex}`) });
  return { book, findings, settlements: onChain.length };
}
