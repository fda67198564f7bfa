/**
 * The neutral-bookkeeping round (docs/consensus-design.md), as a state machine with no clock,
 * network or storage of its own: the host feeds it messages (`receive`) and time (`tick`), and
 * it answers through the host (`broadcast`, `assemble`, `decided`). The same code runs in the
 * seeded simulator (test/consensus-sim.test.ts) and in a validator node (core/node).
 *
 * One height: every validator deals once (a Feldman dealing of a secret derived from its key and
 * the height, shares sealed to each validator, with the hashes of the transactions it proposes).
 * Rounds of Tendermint agreement (propose, prevote, precommit, with locking) fix one set of at
 * least M dealings; nothing is revealed before. Then each validator reveals its shares of the set's
 * dealings; each secret is rebuilt from K checked shares; the block random number R is the hash
 * of the secrets in set order; the block holds the union of the set's transactions ordered by
 * hash256(R || tx hash); each validator signs the header; M signatures make it final.
 *
 * How each promise of protocol.md is kept (the argument in full is in docs/consensus-design.md):
 * - Safety (never two final blocks at a height, up to f faulty): a set is fixed by M precommits;
 *   the lock (#lockedRound, #lockedSet) makes an honest validator precommit one set per height
 *   unless M prevotes of a later round release it; two quorums of M share an honest validator.
 *   Everything sent is persisted by the host before it leaves, and restored on restart.
 * - Liveness with N - f honest: rounds rotate the proposer and grow their timeouts; a round with
 *   an honest proposer after the network settles fixes a set; reveals need K = f + 1 good shares
 *   per dealing, and each honest prevote certified its own share.
 * - No censorship by one validator: the set holds >= M dealings, so >= M - f >= 1 honest one.
 * - No front-running: the order depends on R, unknown until the set is fixed.
 * - Unpredictable and unbiasable random number while at most f are faulty: the set holds an
 *   honest dealing, hidden until reveals start, rebuilt without its dealer once the set is fixed.
 */
import { hash256, hash256Pair } from '../crypto/hash.ts';
import { bytesToHex, compareBytes, concatBytes, equalBytes, hexToBytes } from '../encoding/bytes.ts';
import type { Dealing } from './vss.ts';
import { reconstruct, scalarFromBytes, scalarToBytes } from './vss.ts';
import { dealDigest, setDigest, SEALED_SHARE_BYTES, type Body, type DealRef, type Message } from './messages.ts';

/** f, M and K of N validators. */
export function thresholds(n: number): { f: number; m: number; k: number } {
  const f = Math.floor((n - 1) / 3);
  return { f, m: n - f, k: f + 1 };
}

/** The cryptography a validator needs (real in core/consensus/crypto.ts; the simulator caches it). */
export interface ConsensusCrypto {
  /** This validator's dealing for `height`: the same every time it is asked (derived from its key). */
  deal(height: number, n: number, k: number): Dealing;
  /** Seals `share` to `recipient`. */
  seal(share: bigint, recipient: Uint8Array, context: Uint8Array): Uint8Array;
  /** Opens a share sealed to this validator; throws when it does not open. */
  open(box: Uint8Array, context: Uint8Array): bigint;
  verifyShare(index: number, share: bigint, commitments: readonly Uint8Array[]): boolean;
  /** True when `secret` is the one the commitments commit to (its point is the first). */
  secretMatches(secret: bigint, commitments: readonly Uint8Array[]): boolean;
  signHeader(message: Uint8Array): Uint8Array;
  verifyHeader(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}

/** A block assembled from a fixed set: its hash and the bytes its validators sign. */
export interface Assembled {
  readonly hash: Uint8Array;
  readonly message: Uint8Array;
}

export interface AssembleInput {
  readonly height: number;
  /** The block random number (32 bytes). */
  readonly random: Uint8Array;
  /** The proposed transactions (hashes), in the block's order. */
  readonly txs: readonly Uint8Array[];
  readonly timestamp: number;
  /** The validators (indexes) whose deals are in the fixed set: the block's participation record. */
  readonly dealers: readonly number[];
}

export interface ConsensusHost {
  /** Milliseconds. */
  now(): number;
  /** Sends a message this validator made; the host writes it to its log first. */
  broadcast(m: Message): void;
  /**
   * Keeps messages this validator will need after a restart: a proposal it locked on, and the
   * quorum of other validators' votes behind a lock or a decision (the host keeps their signed
   * envelopes, to send them again). Without that proof a restarted validator, and the others
   * after a restart of the whole network, could never again justify the set they are locked on.
   */
  persist(m: Message | readonly Message[]): void;
  /** Sends again a message another validator signed (the host keeps the signed bytes it received). */
  relay(m: Message): void;
  /** The transaction hashes this validator proposes for the height. */
  proposal(height: number): Uint8Array[];
  /**
   * Keeps the bytes of these transactions across a restart: those of its own deal, and of every
   * deal of a set it prevotes (a prevote vouches that it holds them; if every validator that
   * vouched restarted with nothing, a fixed set could never be assembled).
   */
  keepTransactions?(txs: readonly Uint8Array[]): void;
  /** Of `txs`, those whose checked bytes this validator lacks; it starts fetching them and calls `retry` when it has more. */
  missing(txs: readonly Uint8Array[]): Uint8Array[];
  /** The block of a fixed set (deterministic: every honest validator gets the same). */
  assemble(input: AssembleInput): Assembled;
  /** The block is final: M signatures (validator index and signature, index order). */
  decided(height: number, block: Assembled, signatures: { index: number; signature: Uint8Array }[]): void;
}

export interface HeightParams {
  readonly height: number;
  /** The height's validators' public keys, sorted. */
  readonly validators: readonly Uint8Array[];
  /** This node's index among them, or -1 (it follows but does not vote). */
  readonly index: number;
  /** The previous block's timestamp (seconds). */
  readonly prevTimestamp: number;
  /** When this validator deals, unless f + 1 others dealt first (ms, host clock). */
  readonly dealAt: number;
}

/** Where the engine is in its height, for status views, logs and tests. */
export interface EngineStatus {
  readonly height: number;
  readonly round: number;
  readonly dealt: boolean;
  /** Validators whose deal it holds. */
  readonly deals: number;
  readonly decided: boolean;
  readonly finished: boolean;
  /** The round it is locked in (-1: none), and of its valid set. */
  readonly locked: number;
  readonly valid: number;
  /** Whether the round's proposal arrived; the round's prevotes and precommits heard (any value). */
  readonly proposal: boolean;
  readonly prevotes: number;
  readonly precommits: number;
  /** After the set is fixed: reveals of it heard, and good header signatures. */
  readonly reveals: number;
  readonly signatures: number;
}

export interface EngineOptions {
  /** Round 0's timeout per step; round r waits (r + 1) times as long. */
  readonly timeoutMs: number;
}

interface Held {
  readonly message: Message & { body: Extract<Body, { kind: 'deal' }> };
  readonly digest: Uint8Array;
  /** My share when it opened and verified; null when it is bad; undefined for a follower. */
  readonly share?: bigint | null;
  /** Set once every proposed transaction is held (it stays held for the height). */
  ready?: boolean;
}

interface Proposal {
  readonly validRound: number;
  readonly set: DealRef[];
  readonly digest: string;
}

/**
 * Votes of one kind in one round: sender -> the values it voted (set digest hex, or 'nil'). An
 * equivocating sender counts for each value it voted (at most MAX_VARIANTS): safety rests on the
 * honest validators in the intersection of two quorums, and they vote once.
 */
type Votes = Map<number, string[]>;
const NIL = 'nil';
const MAX_VARIANTS = 2;
const MAX_FUTURE_PER_SENDER = 64;

/** What a sealed share is bound to: the height, its dealer and its recipient (indexes). */
export function shareContext(height: number, dealer: number, recipient: number): Uint8Array {
  const c = new Uint8Array(8);
  const v = new DataView(c.buffer);
  v.setUint32(0, height, true);
  v.setUint16(4, dealer, true);
  v.setUint16(6, recipient, true);
  return c;
}



/** The block's order: hash256(R || tx hash), ascending. */
export function orderTransactions(random: Uint8Array, txs: Iterable<Uint8Array>): Uint8Array[] {
  const unique = new Map<string, Uint8Array>();
  for (const t of txs) unique.set(bytesToHex(t), t);
  return [...unique.values()]
    .map((t) => ({ t, key: hash256Pair(random, t) }))
    .sort((a, b) => compareBytes(a.key, b.key))
    .map((x) => x.t);
}

/** The block random number: hash256 of the set's secrets, 32 bytes each, in set order. */
export function randomOf(secrets: readonly bigint[]): Uint8Array {
  return hash256(concatBytes(...secrets.map((s) => scalarToBytes(s))));
}

export class Consensus {
  readonly #crypto: ConsensusCrypto;
  readonly #host: ConsensusHost;
  readonly #timeoutMs: number;

  #p: HeightParams | null = null;
  #f = 0;
  #m = 0;
  #k = 0;
  #dealt = false;
  readonly #deals = new Map<number, Held[]>();
  #round = 0;
  #roundStart = 0;
  #lockedRound = -1;
  #lockedSet: string | null = null;
  #validRound = -1;
  #validSet: Proposal | null = null;
  readonly #proposals = new Map<number, Proposal>();
  readonly #prevotes = new Map<number, Votes>();
  readonly #precommits = new Map<number, Votes>();
  /** Senders seen per round, for the f + 1 round skip. */
  readonly #seenInRound = new Map<number, Set<number>>();
  #prevoteDeadline = Infinity;
  #precommitDeadline = Infinity;
  #precommittedOnQuorum = -1;
  #lastRebroadcast = 0;
  #heightStart = 0;
  #decided: Proposal | null = null;
  /**
   * Shares revealed by each sender for a set (the first set it named), merged across its reveal
   * messages: a validator that decided before it held every dealing, or restarted, reveals again
   * with more.
   */
  readonly #reveals = new Map<number, { set: Uint8Array; shares: Map<number, Uint8Array> }>();
  /** This validator's reveal, once it revealed a share of every dealing of the fixed set it can. */
  #myReveal: Extract<Body, { kind: 'reveal' }> | null = null;
  readonly #checkedShares = new Map<string, bigint | null>(); // `${sender}:${dealer}` -> share when good
  #assembled: Assembled | null = null;
  readonly #signs = new Map<number, Extract<Body, { kind: 'sign' }>>();
  readonly #goodSigns = new Map<number, Uint8Array>();
  #finished = false;
  /** Messages for heights ahead of ours, replayed when we get there. */
  #future: Message[] = [];

  constructor(crypto: ConsensusCrypto, host: ConsensusHost, options: EngineOptions) {
    this.#crypto = crypto;
    this.#host = host;
    this.#timeoutMs = options.timeoutMs;
  }

  get height(): number {
    return this.#p?.height ?? -1;
  }

  /** This validator's index at the height (-1: it follows without voting, or no height yet). */
  get index(): number {
    return this.#p?.index ?? -1;
  }

  get round(): number {
    return this.#round;
  }

  /** What the engine is doing, for status views and tests. */
  status(): EngineStatus {
    const r = this.#round;
    const reveals = [...this.#reveals.values()].filter((x) => this.#decided && bytesToHex(x.set) === this.#decided.digest).length;
    return {
      height: this.height, round: r, dealt: this.#dealt, deals: this.#deals.size, decided: this.#decided !== null, finished: this.#finished,
      locked: this.#lockedRound, valid: this.#validRound, proposal: this.#proposals.has(r),
      prevotes: this.#prevotes.get(r)?.size ?? 0, precommits: this.#precommits.get(r)?.size ?? 0, reveals, signatures: this.#goodSigns.size,
    };
  }

  /**
   * Starts a height. `restored` are this validator's own messages (and proposals it kept) for the
   * height from its log: replayed first, so that it never signs against what it signed before.
   */
  begin(params: HeightParams, restored: readonly Message[] = []): void {
    this.#p = params;
    this.#heightStart = this.#host.now();
    ({ f: this.#f, m: this.#m, k: this.#k } = thresholds(params.validators.length));
    this.#dealt = false;
    this.#deals.clear();
    this.#round = 0;
    this.#roundStart = this.#host.now();
    this.#lockedRound = -1;
    this.#lockedSet = null;
    this.#validRound = -1;
    this.#validSet = null;
    this.#proposals.clear();
    this.#prevotes.clear();
    this.#precommits.clear();
    this.#seenInRound.clear();
    this.#prevoteDeadline = Infinity;
    this.#precommitDeadline = Infinity;
    this.#precommittedOnQuorum = -1;
    this.#lastRebroadcast = this.#host.now();
    this.#decided = null;
    this.#reveals.clear();
    this.#myReveal = null;
    this.#checkedShares.clear();
    this.#assembled = null;
    this.#signs.clear();
    this.#goodSigns.clear();
    this.#finished = false;
    // Its own messages (and, kept with them, the proposal and votes behind its lock or decision).
    for (const m of restored) if (m.height === params.height) this.#accept(m, m.sender === params.index);
    const maxRound = Math.max(0, ...restored.filter((m) => m.height === params.height && m.body.kind !== 'deal').map((m) => m.round));
    if (maxRound > 0) this.#startRound(maxRound);
    const future = this.#future;
    this.#future = [];
    for (const m of future) if (m.height >= params.height) this.receive(m);
    this.#progress();
  }

  /** A message from validator `m.sender`, whose signature the host has checked. */
  receive(m: Message): void {
    const p = this.#p;
    if (!p || m.height < p.height) return;
    if (m.height > p.height) {
      // The next height only, a bounded number per sender: enough for a validator a step behind.
      if (m.height === p.height + 1 && this.#future.filter((x) => x.sender === m.sender).length < MAX_FUTURE_PER_SENDER) this.#future.push(m);
      return;
    }
    if (m.sender >= p.validators.length || this.#finished) return;
    this.#accept(m, false);
    this.#progress();
  }

  /** Time passed: timeouts and rebroadcasts. */
  tick(): void {
    if (!this.#p || this.#finished) return;
    this.#progress();
    const now = this.#host.now();
    // Every round-0 timeout, whatever the round: a validator that restarts or reconnects learns
    // the round in progress from these (waiting a late round's longer timeout kept it out for
    // seconds after it was back).
    if (now - this.#lastRebroadcast >= this.#timeoutMs) {
      this.#lastRebroadcast = now;
      this.#rebroadcast();
    }
  }

  /** The host has more transactions, or something else changed: look again. */
  retry(): void {
    if (this.#p && !this.#finished) this.#progress();
  }

  #timeout(round: number): number {
    return this.#timeoutMs * (round + 1);
  }

  #proposer(round: number): number {
    return (this.#p!.height + round) % this.#p!.validators.length;
  }

  // --- receiving ---

  #accept(m: Message, own: boolean): void {
    const b = m.body;
    if (b.kind !== 'deal') {
      let seen = this.#seenInRound.get(m.round);
      if (!seen) this.#seenInRound.set(m.round, (seen = new Set()));
      seen.add(m.sender);
    }
    switch (b.kind) {
      case 'deal': return this.#onDeal(m as Held['message']);
      case 'propose': {
        if (m.sender !== this.#proposer(m.round) || this.#proposals.has(m.round)) return;
        if (b.validRound >= m.round || b.validRound < -1) return;
        this.#proposals.set(m.round, { validRound: b.validRound, set: b.set, digest: bytesToHex(setDigest(b.set)) });
        return;
      }
      case 'prevote':
      case 'precommit': {
        const table = b.kind === 'prevote' ? this.#prevotes : this.#precommits;
        let votes = table.get(m.round);
        if (!votes) table.set(m.round, (votes = new Map()));
        const vote = b.set ? bytesToHex(b.set) : NIL;
        const cast = votes.get(m.sender) ?? [];
        if (cast.includes(vote) || cast.length >= MAX_VARIANTS) return;
        votes.set(m.sender, [...cast, vote]);
        if (own && b.kind === 'precommit' && b.set && m.round > this.#lockedRound) {
          this.#lockedRound = m.round;
          this.#lockedSet = vote;
        }
        return;
      }
      case 'reveal': {
        let held = this.#reveals.get(m.sender);
        if (!held) this.#reveals.set(m.sender, (held = { set: b.set, shares: new Map() }));
        if (!equalBytes(held.set, b.set)) return;
        for (const x of b.shares) if (!held.shares.has(x.dealer) && held.shares.size < this.#p!.validators.length) held.shares.set(x.dealer, x.share);
        if (own && b.shares.length >= (this.#myReveal?.shares.length ?? 0)) this.#myReveal = b;
        return;
      }
      case 'sign':
        if (!this.#signs.has(m.sender)) this.#signs.set(m.sender, b);
        return;
    }
  }

  #onDeal(m: Held['message']): void {
    const p = this.#p!;
    const b = m.body;
    const variants = this.#deals.get(m.sender) ?? [];
    if (variants.length >= MAX_VARIANTS) return;
    if (b.commitments.length !== this.#k || b.boxes.length !== p.validators.length) return;
    if (b.boxes.some((x) => x.length !== SEALED_SHARE_BYTES)) return;
    for (let i = 1; i < b.txs.length; i++) if (compareBytes(b.txs[i - 1], b.txs[i]) >= 0) return; // sorted, no repeats
    const digest = dealDigest(m);
    if (variants.some((v) => equalBytes(v.digest, digest))) return;
    let share: bigint | null | undefined;
    if (p.index >= 0) {
      try {
        const s = this.#crypto.open(b.boxes[p.index], shareContext(p.height, m.sender, p.index));
        share = this.#crypto.verifyShare(p.index + 1, s, b.commitments) ? s : null;
      } catch {
        share = null;
      }
    }
    variants.push({ message: m, digest, share });
    this.#deals.set(m.sender, variants);
    // A deal signed with our key is ours, even one our log lost: adopt it rather than deal twice.
    if (m.sender === p.index) this.#dealt = true;
  }

  /** True when this validator holds every transaction the deal proposes (the host fetches the rest). */
  #ready(held: Held): boolean {
    if (!held.ready) held.ready = this.#host.missing(held.message.body.txs).length === 0;
    return held.ready;
  }

  #held(ref: DealRef): Held | undefined {
    return this.#deals.get(ref.dealer)?.find((v) => equalBytes(v.digest, ref.digest));
  }

  /** 'yes' when this validator can vote for the set, 'no' when it never will, 'wait' while pieces are missing. */
  #valid(set: readonly DealRef[]): 'yes' | 'no' | 'wait' {
    const n = this.#p!.validators.length;
    if (set.length < this.#m) return 'no';
    for (let i = 0; i < set.length; i++) {
      if (set[i].dealer >= n || (i > 0 && set[i - 1].dealer >= set[i].dealer)) return 'no';
    }
    let verdict: 'yes' | 'wait' = 'yes';
    for (const ref of set) {
      const held = this.#held(ref);
      if (!held) {
        verdict = 'wait';
        continue;
      }
      if (held.share === null) return 'no';
      if (!this.#ready(held)) verdict = 'wait';
    }
    return verdict;
  }

  // --- acting ---

  #send(body: Body, round = this.#round): void {
    const p = this.#p!;
    if (p.index < 0) return;
    const m: Message = { height: p.height, round, sender: p.index, body };
    this.#host.broadcast(m);
    this.#accept(m, true);
  }

  #deal(): void {
    const p = this.#p!;
    const n = p.validators.length;
    const dealing = this.#crypto.deal(p.height, n, this.#k);
    const boxes = p.validators.map((pk, j) => this.#crypto.seal(dealing.shares[j], pk, shareContext(p.height, p.index, j)));
    const txs = [...this.#host.proposal(p.height)].sort(compareBytes);
    const timestamp = Math.max(p.prevTimestamp + 1, Math.floor(this.#host.now() / 1000));
    this.#dealt = true;
    if (this.#round === 0) this.#roundStart = this.#host.now(); // round 0's clock starts with our deal
    this.#host.keepTransactions?.(txs);
    this.#send({ kind: 'deal', timestamp, commitments: dealing.commitments, boxes, txs }, 0);
  }

  #startRound(round: number): void {
    this.#round = round;
    this.#roundStart = this.#host.now();
    this.#prevoteDeadline = Infinity;
    this.#precommitDeadline = Infinity;
  }

  #votes(table: Map<number, Votes>, round: number): { total: number; count: (v: string) => number } {
    const votes = table.get(round);
    return {
      total: votes?.size ?? 0,
      count: (v) => {
        let c = 0;
        for (const x of votes?.values() ?? []) if (x.includes(v)) c++;
        return c;
      },
    };
  }

  #mine(table: Map<number, Votes>, round: number): string | undefined {
    return table.get(round)?.get(this.#p!.index)?.[0];
  }

  /** Applies every rule whose condition holds, until none does. */
  #progress(): void {
    for (let guard = 0; guard < 64; guard++) {
      if (!this.#step()) return;
    }
  }

  /** One rule; true when something changed. */
  #step(): boolean {
    const p = this.#p!;
    if (this.#finished) return false;
    const now = this.#host.now();
    const voter = p.index >= 0;
    const r = this.#round;

    // Deal when it is time, or as soon as f + 1 others have (they are ahead of our clock).
    if (voter && !this.#dealt) {
      const others = [...this.#deals.keys()].filter((d) => d !== p.index).length;
      if (now >= p.dealAt || others > this.#f) {
        this.#deal();
        return true;
      }
    }

    // Decide: a proposal with M precommits, in any round.
    if (!this.#decided) {
      for (const [round, proposal] of this.#proposals) {
        if (this.#votes(this.#precommits, round).count(proposal.digest) >= this.#m) {
          this.#decided = proposal;
          this.#host.persist([this.#proposalMessage(round, proposal), ...this.#quorum(this.#precommits, round, proposal.digest, 'precommit')]);
          return true;
        }
      }
    }
    if (this.#decided) {
      // Reveal once this validator holds every dealing of the set (it may have decided, or
      // restarted, before some reached it): a reveal short of a share would leave a dealing
      // with fewer than K shares if others did the same.
      if (voter && (this.#myReveal?.shares.length ?? -1) < this.#decided.set.length && this.#decided.set.every((ref) => this.#held(ref))) {
        const before = this.#myReveal?.shares.length ?? -1;
        this.#reveal();
        if ((this.#myReveal?.shares.length ?? -1) > before) return true;
      }
      return this.#finish();
    }

    // A set with M prevotes in a round later than the one this validator holds valid becomes its
    // valid set (Tendermint's validValue): what it proposes when its turn comes. Any round, not
    // only the current one: after a restart the quorum comes from its log or from rebroadcasts.
    for (const [round, proposal] of this.#proposals) {
      if (round <= this.#validRound || round > r) continue;
      if (this.#votes(this.#prevotes, round).count(proposal.digest) >= this.#m && this.#valid(proposal.set) === 'yes') {
        this.#validRound = round;
        this.#validSet = proposal;
        this.#host.persist([this.#proposalMessage(round, proposal), ...this.#quorum(this.#prevotes, round, proposal.digest, 'prevote')]);
        return true;
      }
    }

    // Skip ahead: f + 1 validators are in a later round.
    for (const [round, senders] of this.#seenInRound) {
      if (round > r && senders.size > this.#f) {
        this.#startRound(round);
        return true;
      }
    }
    if (!voter || !this.#dealt) return false;

    const prevoted = this.#mine(this.#prevotes, r) !== undefined;
    const precommitted = this.#mine(this.#precommits, r) !== undefined;
    const proposal = this.#proposals.get(r);

    // Propose.
    if (this.#proposer(r) === p.index && !proposal) {
      if (this.#validSet) {
        this.#send({ kind: 'propose', validRound: this.#validRound, set: this.#validSet.set });
        return true;
      }
      const ready: DealRef[] = [];
      for (const [dealer, variants] of [...this.#deals].sort((a, b) => a[0] - b[0])) {
        const v = variants[0];
        if (v.share !== null && this.#ready(v)) ready.push({ dealer, digest: v.digest });
      }
      if (ready.length >= this.#m && (ready.length === p.validators.length || now >= this.#roundStart + this.#timeout(r) / 4)) {
        this.#send({ kind: 'propose', validRound: -1, set: ready });
        return true;
      }
    }

    // Prevote on the proposal (Tendermint's rules: a locked validator prevotes only its locked
    // set, unless M prevotes of a round at or after its lock justify the proposal).
    if (!prevoted && proposal) {
      const valid = this.#valid(proposal.set);
      const vr = proposal.validRound;
      const justified = vr < 0 || this.#votes(this.#prevotes, vr).count(proposal.digest) >= this.#m;
      if (valid !== 'wait' && justified) {
        const unlocked = vr < 0 ? this.#lockedRound < 0 : this.#lockedRound <= vr;
        const ok = valid === 'yes' && (unlocked || this.#lockedSet === proposal.digest);
        if (ok) {
          // What it vouches for, kept across a restart: the set's deals and their transactions.
          const deals = proposal.set.map((ref) => this.#held(ref)!.message);
          this.#host.persist(deals);
          this.#host.keepTransactions?.(deals.flatMap((d) => d.body.txs));
        }
        this.#send({ kind: 'prevote', set: ok ? hexToBytes(proposal.digest) : null });
        return true;
      }
    }
    if (!prevoted && now >= this.#roundStart + this.#timeout(r)) {
      this.#send({ kind: 'prevote', set: null });
      return true;
    }

    const prevotes = this.#votes(this.#prevotes, r);
    // M prevotes for the proposal: lock and precommit (once per round).
    if (prevoted && proposal && this.#precommittedOnQuorum < r && prevotes.count(proposal.digest) >= this.#m && this.#valid(proposal.set) === 'yes') {
      this.#precommittedOnQuorum = r;
      if (r > this.#validRound) {
        this.#validRound = r;
        this.#validSet = proposal;
      }
      if (!precommitted) {
        this.#lockedRound = r;
        this.#lockedSet = proposal.digest;
        // The lock and its proof, kept before the precommit leaves.
        this.#host.persist([this.#proposalMessage(r, proposal), ...this.#quorum(this.#prevotes, r, proposal.digest, 'prevote')]);
        this.#send({ kind: 'precommit', set: hexToBytes(proposal.digest) });
      }
      return true;
    }
    if (prevoted && !precommitted) {
      // No set can reach M prevotes in this round any more (nil counts included): precommit
      // nil now rather than at the deadline.
      if (this.#hopeless(this.#prevotes, r)) {
        this.#send({ kind: 'precommit', set: null });
        return true;
      }
      if (prevotes.total >= this.#m && this.#prevoteDeadline === Infinity) {
        this.#prevoteDeadline = now + this.#timeout(r);
        return true;
      }
      if (now >= this.#prevoteDeadline) {
        this.#send({ kind: 'precommit', set: null });
        return true;
      }
    }
    const precommits = this.#votes(this.#precommits, r);
    if (precommits.total >= this.#m && this.#precommitDeadline === Infinity) {
      this.#precommitDeadline = now + this.#timeout(r);
      return true;
    }
    // No set can be fixed in this round any more: the next round now, not at the deadline (a
    // round whose proposer is down then costs one timeout, not three).
    if (now >= this.#precommitDeadline || this.#hopeless(this.#precommits, r) || (precommitted && now >= this.#roundStart + 4 * this.#timeout(r))) {
      this.#startRound(r + 1);
      return true;
    }
    return false;
  }

  /** True when no set can reach M votes of `table` in `round`, even if every validator not heard yet voted for it. */
  #hopeless(table: Map<number, Votes>, round: number): boolean {
    const votes = table.get(round);
    if (!votes) return false;
    const counts = new Map<string, number>();
    for (const values of votes.values()) for (const v of values) if (v !== NIL) counts.set(v, (counts.get(v) ?? 0) + 1);
    const best = Math.max(0, ...counts.values());
    return best + (this.#p!.validators.length - votes.size) < this.#m;
  }

  #reveal(): void {
    const shares: { dealer: number; share: Uint8Array }[] = [];
    for (const ref of this.#decided!.set) {
      const s = this.#held(ref)?.share;
      if (typeof s === 'bigint') shares.push({ dealer: ref.dealer, share: scalarToBytes(s) });
    }
    if (shares.length <= (this.#myReveal?.shares.length ?? -1)) return;
    this.#send({ kind: 'reveal', set: hexToBytes(this.#decided!.digest), shares });
  }

  /** A round's proposal as a message (its proposer's), for the log. */
  #proposalMessage(round: number, proposal: Proposal): Message {
    return { height: this.#p!.height, round, sender: this.#proposer(round), body: { kind: 'propose', validRound: proposal.validRound, set: proposal.set } };
  }

  /** The votes of `kind` in `round` for `digest`, as messages (the proof of a lock or a decision). */
  #quorum(table: Map<number, Votes>, round: number, digest: string, kind: 'prevote' | 'precommit'): Message[] {
    const out: Message[] = [];
    for (const [sender, values] of table.get(round) ?? []) {
      if (values.includes(digest)) out.push({ height: this.#p!.height, round, sender, body: { kind, set: hexToBytes(digest) } });
    }
    return out;
  }

  /** After the set is fixed: rebuild the secrets, assemble, sign, gather signatures. */
  #finish(): boolean {
    const p = this.#p!;
    const set = this.#decided!.set;
    if (!this.#assembled) {
      const deals: Held[] = [];
      for (const ref of set) {
        const held = this.#held(ref);
        if (!held) return false; // still coming (rebroadcasts bring it)
        deals.push(held);
      }
      if (!deals.every((d) => this.#ready(d))) return false;
      const allTxs = deals.flatMap((d) => d.message.body.txs);
      const secrets: bigint[] = [];
      const digest = hexToBytes(this.#decided!.digest);
      for (const d of deals) {
        const secret = this.#secretOf(d, digest);
        if (secret === null) return false; // more reveals needed
        secrets.push(secret);
      }
      const random = randomOf(secrets);
      const stamps = deals.map((d) => d.message.body.timestamp).sort((a, b) => a - b);
      const timestamp = Math.max(p.prevTimestamp + 1, stamps[(stamps.length - 1) >> 1]);
      this.#assembled = this.#host.assemble({ height: p.height, random, txs: orderTransactions(random, allTxs), timestamp, dealers: set.map((ref) => ref.dealer) });
      if (p.index >= 0) {
        this.#send({ kind: 'sign', block: this.#assembled.hash, signature: this.#crypto.signHeader(this.#assembled.message) });
      }
      return true;
    }
    for (const [sender, s] of this.#signs) {
      if (this.#goodSigns.has(sender) || !equalBytes(s.block, this.#assembled.hash)) continue;
      if (this.#crypto.verifyHeader(this.#assembled.message, s.signature, p.validators[sender])) this.#goodSigns.set(sender, s.signature);
      else this.#signs.delete(sender); // a bad signature: its sender may still send a good one
    }
    if (this.#goodSigns.size < this.#m) return false;
    const good = [...this.#goodSigns].map(([index, signature]) => ({ index, signature }));
    this.#finished = true;
    good.sort((a, b) => a.index - b.index);
    this.#host.decided(p.height, this.#assembled, good.slice(0, this.#m));
    return false;
  }

  /**
   * A dealing's secret from the reveals, or null while there are not K good shares. Fast path:
   * rebuild from the first K shares revealed and check the result against the first commitment
   * (binding: no other secret has that point), one multiplication. Only when it fails are the
   * shares checked one by one, so that the bad ones are left out.
   */
  #secretOf(d: Held, digest: Uint8Array): bigint | null {
    const dealer = d.message.sender;
    const commitments = d.message.body.commitments;
    const revealed: { sender: number; share: bigint }[] = [];
    for (const [sender, reveal] of this.#reveals) {
      if (!equalBytes(reveal.set, digest)) continue;
      const entry = reveal.shares.get(dealer);
      if (entry) revealed.push({ sender, share: scalarFromBytes(entry) });
    }
    if (revealed.length < this.#k) return null;
    const first = revealed.slice(0, this.#k).map((r) => ({ index: r.sender + 1, share: r.share }));
    const quick = reconstruct(first, this.#k);
    if (this.#crypto.secretMatches(quick, commitments)) return quick;
    const good: { index: number; share: bigint }[] = [];
    for (const r of revealed) {
      const key = `${r.sender}:${dealer}`;
      let ok = this.#checkedShares.get(key);
      if (ok === undefined) {
        ok = this.#crypto.verifyShare(r.sender + 1, r.share, commitments) ? r.share : null;
        this.#checkedShares.set(key, ok);
      }
      if (ok !== null) good.push({ index: r.sender + 1, share: ok });
      if (good.length >= this.#k) return reconstruct(good, this.#k);
    }
    return null;
  }

  /**
   * Sends again what this validator said at this height, and the proof behind the set it holds
   * valid or decided (the proposal and the quorum of votes for it): messages get lost, and a
   * validator that restarts needs that proof before it may prevote a set others are locked on.
   */
  #rebroadcast(): void {
    const p = this.#p!;
    if (p.index < 0) return;
    const again = (round: number, body: Body | undefined) => body && this.#host.broadcast({ height: p.height, round, sender: p.index, body });
    again(0, this.#deals.get(p.index)?.[0]?.message.body);
    const r = this.#round;
    const proposal = this.#proposals.get(r);
    if (proposal && this.#proposer(r) === p.index) again(r, { kind: 'propose', validRound: proposal.validRound, set: proposal.set });
    const prevote = this.#mine(this.#prevotes, r);
    if (prevote !== undefined) again(r, { kind: 'prevote', set: prevote === NIL ? null : hexToBytes(prevote) });
    const precommit = this.#mine(this.#precommits, r);
    if (precommit !== undefined) again(r, { kind: 'precommit', set: precommit === NIL ? null : hexToBytes(precommit) });
    const proof = this.#decided ? { set: this.#decided, kind: 'precommit' as const } : this.#validSet ? { set: this.#validSet, kind: 'prevote' as const } : null;
    if (proof) {
      for (const [round, candidate] of this.#proposals) {
        if (candidate.digest !== proof.set.digest) continue;
        const votes = (proof.kind === 'precommit' ? this.#precommits : this.#prevotes).get(round);
        const voters = [...(votes ?? [])].filter(([, v]) => v.includes(candidate.digest)).map(([sender]) => sender);
        if (voters.length < this.#m) continue;
        this.#host.relay({ height: p.height, round, sender: this.#proposer(round), body: { kind: 'propose', validRound: candidate.validRound, set: candidate.set } });
        for (const sender of voters) this.#host.relay({ height: p.height, round, sender, body: { kind: proof.kind, set: hexToBytes(candidate.digest) } });
        break;
      }
    }
    again(r, this.#myReveal ?? undefined);
    again(r, this.#signs.get(p.index));
    // The deals of the sets in play, when the height is slow (a validator that restarted, or was
    // cut off, cannot judge a set without them, and their dealers may be down): relayed.
    if (r > 0 || this.#host.now() - this.#heightStart > 2 * this.#timeoutMs) {
      const relayed = new Set<number>();
      for (const set of [this.#proposals.get(r), this.#validSet, this.#decided]) {
        for (const ref of set?.set ?? []) {
          const held = this.#held(ref);
          if (!held || held.message.sender === p.index || relayed.has(ref.dealer)) continue;
          relayed.add(ref.dealer);
          this.#host.relay(held.message);
        }
      }
    }
  }
}

