/**
 * A validator: the consensus engine (core/consensus/engine.ts) hosted by a node. It feeds the
 * engine the signed consensus messages of the height it is at, keeps what the engine signs in
 * its log on the node's store before sending it (so that after a crash it never signs against
 * itself), fetches proposed transactions it lacks from its peers, assembles the block of a fixed
 * set from the ledger, and publishes the block once M validators signed it.
 */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { isInputError, ProtocolError } from '../encoding/errors.ts';
import { getPublicKey } from '../crypto/keys.ts';
import { multiSigScript } from '../script/accounts.ts';
import { invocationScript } from '../tx/sign.ts';
import { allInputs, decodeTransactionWithMessage, encodeTransaction, messageHash, signingMessage, type Transaction } from '../tx/transaction.ts';
import { outpointKey } from '../state/keys.ts';
import { blockHash, consensusThreshold, encodeBlockFrom, headerMessage, type Block } from '../block/index.ts';
import { Consensus, type Assembled, type AssembleInput, type ConsensusHost } from '../consensus/engine.ts';
import { validatorCrypto } from '../consensus/crypto.ts';
import { decodeMessage, encodeMessage, openMessage, resendEnvelope, sealMessage, type Message } from '../consensus/messages.ts';
import type { Verdict } from '../p2p/peer.ts';

type OpenedMessage = ReturnType<typeof openMessage>;
import { fetchTransactions } from '../p2p/sync.ts';
import type { Node } from './node.ts';
import { Chain } from '../state/chain.ts';
import type { KeyValueStore } from '../store/kv.ts';

export interface ValidatorOptions {
  readonly privateKey: Uint8Array;
  /** Round 0's step timeout (default: half the block time). */
  readonly timeoutMs?: number;
  /**
   * Time from the last block to this validator's deal. Default: the block time less the longest
   * of what the last few heights took from deal to applied block (at least a tenth of the block
   * time), so that blocks come within the network's block time while the load changes: aimed at
   * the last height alone, a height a little slower than the one before comes late, half the time.
   */
  readonly idleMs?: number;
  /** Most transactions one deal proposes (default 20,000). */
  readonly maxProposed?: number;
  /**
   * A deal proposes the transactions held this long at least (default 300 ms): younger ones may
   * not have reached the other validators, who would have to fetch them before they can vote.
   */
  readonly settledMs?: number;
}

/**
 * The consensus log, beside the chain's keys in the same store: key 'v' + height u32 BE + seq
 * u32 BE; value a tag and its bytes: LOG_OWN a message this validator made or kept unsigned (it
 * signs its own again when it sends them: RFC 6979 gives the same signature), LOG_ENVELOPE another
 * validator's signed envelope (the votes behind a lock or a decision), LOG_TX a transaction's bytes
 * (of its own deal, or of a set it prevoted). The log of before issue 15 ('c', untagged messages)
 * is only deleted.
 */
const LOG_PREFIX = 0x76; // 'v'
const LEGACY_LOG_PREFIX = 0x63;
const LOG_OWN = 0;
const LOG_ENVELOPE = 1;
const LOG_TX = 2;
const logKey = (height: number, seq: number, prefix = LOG_PREFIX) => {
  const k = new Uint8Array(9);
  k[0] = prefix;
  const v = new DataView(k.buffer);
  v.setUint32(1, height, false);
  v.setUint32(5, seq, false);
  return k;
};
/** Peers asked at once for a deal's transactions this validator lacks. */
const FETCH_PARALLEL = 4;
/** Heights of log kept behind the tip. */
const LOG_KEEP = 16;
const TICK_MS = 50;
/** Heights whose round times set the wait before the next deal. */
const TOOK_KEPT = 4;

type Unsigned = Omit<Block, 'witness'>;

function tagged(tag: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + bytes.length);
  out[0] = tag;
  out.set(bytes, 1);
  return out;
}

export class Validator {
  readonly #node: Node;
  /** The node's chain, in this thread: the consensus log is kept in its store. */
  readonly #store: KeyValueStore;
  readonly #key: Uint8Array;
  readonly #publicKey: Uint8Array;
  readonly #engine: Consensus;
  readonly #idleMs: number | undefined;
  readonly #maxProposed: number;
  readonly #settledMs: number;
  /** Validators of the engine's height (sorted). */
  #validators: Uint8Array[] = [];
  /** Envelopes of the engine's height, by message bytes (to send them again unchanged), and how often each was sent. */
  #envelopes = new Map<string, Uint8Array>();
  #resends = new Map<string, number>();
  /** Checked envelopes for a height the engine has not begun yet, given to it when it does. */
  #next: { opened: OpenedMessage; bytes: Uint8Array; signer: Uint8Array }[] = [];
  /** Transactions fetched for a deal (checked: hash and witnesses), by hash hex. */
  readonly #fetched = new Map<string, { tx: Transaction; bytes: Uint8Array }>();
  readonly #fetching = new Set<string>();
  /** The block this validator assembled for the current height, with its transactions' signed bytes. */
  #assembled: { hash: string; block: Unsigned; messages: Uint8Array[]; bytes: Uint8Array[] } | null = null;
  #writes: Promise<void> = Promise.resolve();
  #seq = 0;
  /** What the log holds for the engine's height (message bytes hex, 'tx:' + transaction hash hex): each kept once. */
  #kept = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastBlockAt = Date.now();
  #stopped = false;
  /** Set once the writes are done at stop: the node then closes the store. */
  #closed = false;
  /** Milliseconds from the start of the last finished height to each of its steps, and its size. */
  lastHeight: { height: number; deal?: number; fixed?: number; assembled?: number; final?: number; applied?: number; transactions?: number } | null = null;
  #timing: { height: number; start: number; marks: Record<string, number> } | null = null;
  /** Milliseconds from deal to applied block of the last few heights this validator dealt in. */
  #took: number[] = [];

  constructor(node: Node, options: ValidatorOptions) {
    this.#node = node;
    if (!(node.chain instanceof Chain)) throw new TypeError('a validator needs its chain in its own thread');
    this.#store = node.chain.store;
    this.#key = options.privateKey;
    this.#publicKey = getPublicKey(options.privateKey);
    const blockTime = node.settings.blockTimeMs;
    this.#idleMs = options.idleMs;
    this.#maxProposed = options.maxProposed ?? 20_000;
    this.#settledMs = options.settledMs ?? 300;
    this.#engine = new Consensus(validatorCrypto(this.#key), this.#host(), { timeoutMs: options.timeoutMs ?? Math.max(200, blockTime / 2) });
  }

  get publicKey(): Uint8Array {
    return this.#publicKey;
  }

  status() {
    return { ...this.#engine.status(), lastHeight: this.lastHeight };
  }

  #mark(step: string): void {
    const t = this.#timing;
    if (t && t.marks[step] === undefined) t.marks[step] = Date.now() - t.start;
  }

  /** Starts at the node's tip and follows it. */
  async start(): Promise<void> {
    // A height begun as the node stops may find the store closed: that is no failure. Any other
    // (a disk that cannot be read) is left to crash the process, as it should.
    this.#node.onTip(() => void this.#begin().catch((e: unknown) => {
      if (!this.#stopped) throw e;
    }));
    await this.#begin();
    this.#timer = setInterval(() => {
      if (!this.#stopped) this.#engine.tick();
    }, TICK_MS);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#writes;
    this.#closed = true;
  }

  /** Begins the height after the node's tip (if the engine is not there yet). */
  async #begin(): Promise<void> {
    const ledger = this.#node.chain.ledger;
    const height = ledger.height + 1;
    if (this.#engine.height >= height || this.#stopped) return;
    this.#lastBlockAt = Date.now();
    this.#validators = ledger.nextValidators(); // sorted by the election
    const index = this.#validators.findIndex((k) => equalBytes(k, this.#publicKey));
    this.#envelopes = new Map();
    this.#resends = new Map();
    this.#assembled = null;
    this.#fetched.clear(); // what the last height needed; a later deal that proposes it again gets it again
    this.#kept = new Set();
    const restored = await this.#readLog(height);
    if (this.#engine.height >= height || this.#stopped) return; // another begin got there while we read
    this.#timing = { height, start: this.#lastBlockAt, marks: {} };
    this.#engine.begin({ height, validators: this.#validators, index, prevTimestamp: ledger.tip.timestamp, dealAt: this.#lastBlockAt + this.#idle() }, restored);
    const next = this.#next;
    this.#next = [];
    for (const { opened, bytes, signer } of next) this.receive(opened, bytes, signer);
    // After a stop the store closes: a prune still reading it then must not throw (issue 15).
    this.#pruneLog(height).catch(() => {});
  }

  #idle(): number {
    if (this.#idleMs !== undefined) return this.#idleMs;
    const blockTime = this.#node.settings.blockTimeMs;
    const took = this.#took.length > 0 ? Math.max(...this.#took) : blockTime * 0.4;
    return Math.round(Math.min(blockTime * 0.9, Math.max(blockTime * 0.1, blockTime - took)));
  }

  /**
   * A consensus message the node checked: signed by `signer`, the key of the validator it names
   * among the tip's next validators (core/node's #onConsensus), for the engine's height or the one
   * after. One for a height the engine has not begun yet waits until the engine gets there.
   */
  receive(opened: OpenedMessage, bytes: Uint8Array, signer: Uint8Array): Verdict {
    const m = opened.message;
    const height = this.#engine.height;
    if (m.height < height) return 'ignore';
    if (m.height > height) {
      if (this.#next.length < 64 * Math.max(4, this.#validators.length)) this.#next.push({ opened, bytes, signer });
      return 'accept';
    }
    // Checked against the validators the node knew; an election may have given that index to
    // another key at this height: such a message is not this height's validator's.
    if (!equalBytes(this.#validators[m.sender] ?? new Uint8Array(0), signer)) return 'ignore';
    this.#envelopes.set(bytesToHex(opened.messageBytes), bytes);
    this.#engine.receive(m);
    return 'accept';
  }

  /** Publishes an envelope again, with the next resend count (gossip drops bytes it has seen). */
  #resend(key: string, envelope: Uint8Array): void {
    const n = (this.#resends.get(key) ?? 0) + 1;
    this.#resends.set(key, n);
    this.#publish(resendEnvelope(envelope, n));
  }

  #publish(bytes: Uint8Array): void {
    void this.#node.peer.publish(this.#node.peer.topics.consensus, bytes).catch(() => {});
  }

  #host(): ConsensusHost {
    return {
      now: () => Date.now(),
      broadcast: (m) => {
        if (m.body.kind === 'deal') this.#mark('deal');
        if (m.body.kind === 'reveal') this.#mark('fixed');
        if (m.body.kind === 'sign') this.#mark('assembled');
        const key = bytesToHex(encodeMessage(m));
        const known = this.#envelopes.get(key);
        if (known) return this.#resend(key, known); // a rebroadcast: signed and logged already
        const envelope = sealMessage(this.#node.settings.magic, m, this.#key);
        this.#envelopes.set(key, envelope);
        // Written before it leaves: the log is what a restarted validator will not contradict.
        this.#keep([m]).then(() => this.#publish(envelope), () => {});
      },
      persist: (kept) => void this.#keep(Array.isArray(kept) ? kept : [kept as Message]).catch(() => {}),
      keepTransactions: (txs) => void this.#keepTransactions(txs).catch(() => {}),
      relay: (m) => {
        const key = bytesToHex(encodeMessage(m));
        const envelope = this.#envelopes.get(key);
        if (envelope) this.#resend(key, envelope);
      },
      proposal: () => this.#node.mempool.hashes(this.#maxProposed, this.#settledMs),
      missing: (hashes) => {
        const missing = hashes.filter((h) => !this.#node.mempool.has(h) && !this.#fetched.has(bytesToHex(h)));
        if (missing.length > 0) void this.#fetch(missing);
        return missing;
      },
      assemble: (input) => this.#assemble(input),
      decided: (height, block, signatures) => void this.#publishBlock(height, block, signatures),
    };
  }

  /** Appends to the log (one atomic write, after those before it). */
  #append(values: Uint8Array[]): Promise<void> {
    if (values.length === 0) return this.#writes;
    const ops = values.map((value) => ({ type: 'put' as const, key: logKey(this.#engine.height, this.#seq++), value }));
    const write = this.#writes.then(() => (this.#stopped && this.#closed ? undefined : this.#store.batch(ops)));
    this.#writes = write.catch(() => {});
    return write;
  }

  /**
   * Keeps messages of the engine's height: this validator's own as they are (signed again when
   * sent), another's as the envelope it signed when we hold it, so that it can be relayed.
   */
  #keep(messages: readonly Message[]): Promise<void> {
    const values: Uint8Array[] = [];
    for (const m of messages) {
      const bytes = encodeMessage(m);
      const key = bytesToHex(bytes);
      if (this.#kept.has(key)) continue;
      this.#kept.add(key);
      const envelope = m.sender === this.#engine.index ? undefined : this.#envelopes.get(key);
      values.push(envelope ? tagged(LOG_ENVELOPE, envelope) : tagged(LOG_OWN, bytes));
    }
    return this.#append(values);
  }

  /** Keeps the bytes of transactions this validator holds (pool or fetched) and has not kept yet at this height. */
  #keepTransactions(hashes: readonly Uint8Array[]): Promise<void> {
    const values: Uint8Array[] = [];
    for (const h of hashes) {
      const key = `tx:${bytesToHex(h)}`;
      if (this.#kept.has(key)) continue;
      const bytes = this.#node.mempool.bytesOf(h) ?? this.#fetched.get(bytesToHex(h))?.bytes;
      if (!bytes) continue;
      this.#kept.add(key);
      values.push(tagged(LOG_TX, bytes));
    }
    return this.#append(values);
  }

  /**
   * What the log holds for `height`: the messages to replay (its own, the kept proposals, and the
   * other validators' envelopes, each checked against its signer again), and the transactions
   * kept (into the fetched set, served to peers and used to assemble).
   */
  async #readLog(height: number): Promise<Message[]> {
    await this.#writes;
    const entries = await this.#store.range(logKey(height, 0), logKey(height + 1, 0));
    const out: Message[] = [];
    for (const [k, v] of entries) {
      this.#seq = Math.max(this.#seq, new DataView(k.buffer, k.byteOffset).getUint32(5, false) + 1);
      const body = v.subarray(1);
      try {
        if (v[0] === LOG_OWN) {
          const m = decodeMessage(body);
          this.#kept.add(bytesToHex(body));
          out.push(m);
        } else if (v[0] === LOG_ENVELOPE) {
          const opened = openMessage(this.#node.settings.magic, body);
          if ((await opened.checkSender(this.#validators)) !== null) continue;
          this.#envelopes.set(bytesToHex(opened.messageBytes), body);
          this.#kept.add(bytesToHex(opened.messageBytes));
          out.push(opened.message);
        } else if (v[0] === LOG_TX) {
          const { tx, message } = decodeTransactionWithMessage(body);
          const hash = bytesToHex(messageHash(message));
          this.#kept.add(`tx:${hash}`);
          this.#fetched.set(hash, { tx, bytes: body });
        }
      } catch {
        // A torn entry cannot exist (each is one atomic write); skip anything unreadable rather than stop.
      }
    }
    return out;
  }

  async #pruneLog(height: number): Promise<void> {
    if (height <= LOG_KEEP) return;
    const ops: { type: 'del'; key: Uint8Array }[] = [];
    for (const prefix of [LOG_PREFIX, LEGACY_LOG_PREFIX]) {
      if (this.#stopped) return;
      const old = await this.#store.range(logKey(0, 0, prefix), logKey(height - LOG_KEEP, 0, prefix));
      for (const [key] of old) ops.push({ type: 'del', key });
    }
    if (ops.length > 0) {
      this.#writes = this.#writes.then(() => (this.#stopped ? undefined : this.#store.batch(ops))).catch(() => {});
    }
  }

  /** Fetches proposed transactions from peers; keeps those whose hash matches and whose witnesses verify. */
  async #fetch(hashes: readonly Uint8Array[]): Promise<void> {
    const wanted = hashes.filter((h) => !this.#fetching.has(bytesToHex(h)));
    if (wanted.length === 0) return;
    for (const h of wanted) this.#fetching.add(bytesToHex(h));
    const still = () => wanted.filter((h) => !this.#fetched.has(bytesToHex(h)) && !this.#node.mempool.has(h));
    const ask = async (remote: string) => {
      const asked = still();
      if (asked.length === 0) return;
      let got: (Uint8Array | undefined)[];
      try {
        got = await fetchTransactions(this.#node.peer, this.#node.settings.magic, remote, asked);
      } catch {
        return; // slow or gone (its penalty is Peer.request's): the others are asked too
      }
      await Promise.all(got.map(async (bytes, i) => {
        if (!bytes || this.#fetched.has(bytesToHex(asked[i]))) return;
        try {
          const { tx, message } = decodeTransactionWithMessage(bytes);
          if (!equalBytes(messageHash(message), asked[i])) return;
          await this.#node.chain.ledger.verifyTransactionWitnesses(tx, message);
          this.#fetched.set(bytesToHex(asked[i]), { tx, bytes });
        } catch {
          // Bytes that are not that transaction, or whose witnesses fail: another peer's will do.
        }
      }));
    };
    try {
      // A few peers at a time, in parallel: one that never answers costs its deadline only to
      // itself (asked one after another, each slow peer held the height up: seconds on a WAN).
      const peers = this.#node.peer.connections();
      for (let i = 0; i < peers.length && still().length > 0; i += FETCH_PARALLEL) {
        await Promise.all(peers.slice(i, i + FETCH_PARALLEL).map(ask));
        this.#engine.retry();
      }
    } finally {
      for (const h of wanted) this.#fetching.delete(bytesToHex(h));
    }
    this.#engine.retry();
  }

  /** A transaction fetched for a deal, its bytes for a peer's fetch (the node serves its pool's). */
  lookup(hash: Uint8Array): Uint8Array | undefined {
    return this.#fetched.get(bytesToHex(hash))?.bytes;
  }

  /**
   * The block of a fixed set, the same on every honest validator: the proposed transactions in
   * the random order, each kept only if it passes the ledger's rules at the tip and spends
   * nothing an earlier one spent; then any that the whole block refuses (a cap two issues
   * exceed together) are dropped, in order, until the block passes.
   */
  #assemble(input: AssembleInput): Assembled {
    const ledger = this.#node.chain.ledger;
    const spent = new Set<string>();
    let chosen: { tx: Transaction; message: Uint8Array; bytes: Uint8Array }[] = [];
    for (const hash of input.txs) {
      const pooled = this.#node.mempool.entry(hash); // valid at the tip already
      const fetched = pooled ? undefined : this.#fetched.get(bytesToHex(hash));
      const tx = pooled?.tx ?? fetched?.tx;
      if (!tx) continue;
      if (!pooled) {
        try {
          ledger.checkTransactionRules(tx);
        } catch (e) {
          if (isInputError(e)) continue;
          throw e;
        }
      }
      const spends = pooled?.spends ?? allInputs(tx).map((i) => outpointKey(i.prevHash, i.prevIndex));
      if (spends.some((s) => spent.has(s))) continue;
      for (const s of spends) spent.add(s);
      chosen.push({ tx, message: pooled?.message ?? signingMessage(tx), bytes: pooled?.bytes ?? fetched?.bytes ?? encodeTransaction(tx) });
    }
    const consensusData = new DataView(input.random.buffer, input.random.byteOffset, 8).getBigUint64(0, true);
    for (;;) {
      try {
        const block = ledger.prepareBlock({
          transactions: chosen.map((c) => c.tx), messages: chosen.map((c) => c.message), timestamp: input.timestamp, consensusData,
          participation: this.#validators.map((_, i) => input.dealers.includes(i)),
        });
        const hash = blockHash(block);
        const miner = block.transactions[0];
        this.#assembled = {
          hash: bytesToHex(hash), block,
          messages: [signingMessage(miner), ...chosen.map((c) => c.message)],
          bytes: [encodeTransaction(miner), ...chosen.map((c) => c.bytes)],
        };
        return { hash, message: headerMessage(block) };
      } catch (e) {
        if (!(e instanceof ProtocolError) || chosen.length === 0) throw e;
        const index = typeof e.data.index === 'number' ? e.data.index - 1 : chosen.length - 1;
        chosen = chosen.filter((_, i) => i !== index);
      }
    }
  }

  async #publishBlock(height: number, assembled: Assembled, signatures: { index: number; signature: Uint8Array }[]): Promise<void> {
    const mine = this.#assembled;
    if (!mine || mine.hash !== bytesToHex(assembled.hash) || this.#node.chain.height >= height) return;
    const m = consensusThreshold(this.#validators.length);
    const block: Block = {
      ...mine.block,
      witness: { invocation: invocationScript(signatures.map((s) => s.signature)), verification: multiSigScript(m, this.#validators) },
    };
    this.#mark('final');
    try {
      await this.#node.publishBlock(encodeBlockFrom(block, mine.bytes), { block, messages: mine.messages });
    } catch (e) {
      // Another copy of the block (from a peer) may have arrived first: that is the same block.
      if (this.#node.chain.height < height) throw e;
    }
    this.#mark('applied');
    const t = this.#timing;
    if (t?.height === height) {
      this.lastHeight = { height, ...t.marks, transactions: block.transactions.length - 1 };
      const { deal, applied } = this.lastHeight;
      if (deal !== undefined && applied !== undefined) this.#took = [...this.#took.slice(1 - TOOK_KEPT), applied - deal];
    }
  }
}
