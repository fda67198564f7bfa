/**
 * A deterministic simulator for the consensus engine (docs/consensus-design.md, "How it will be
 * tested"): N validators run the real engine with real cryptography over a simulated network
 * driven by one seed: delays, reordering, drops, partitions, crashes with restarts from the
 * validator's log, and byzantine validators that equivocate, deal bad shares or withhold their
 * reveals. Channels are authenticated (a byzantine validator cannot speak for another): the
 * signed envelope that gives this on the real network is tested on its own and over libp2p.
 *
 * The cryptography is deterministic (dealings derive from each key and height), so its results
 * are cached across seeds: the same real computation is not repeated a thousand times.
 */
import { sha256 } from '../core/crypto/hash.ts';
import { sign, verifyNoble } from '../core/crypto/ecdsa.ts';
import { getPublicKey, comparePublicKeys } from '../core/crypto/keys.ts';
import { bytesToHex, concatBytes } from '../core/encoding/bytes.ts';
import { validatorCrypto } from '../core/consensus/crypto.ts';
import { Consensus, randomOf, shareContext, thresholds, type Assembled, type ConsensusCrypto, type ConsensusHost } from '../core/consensus/engine.ts';
import { deriveScalar, type Dealing } from '../core/consensus/vss.ts';
import { encodeMessage, type Message } from '../core/consensus/messages.ts';
import { rng } from '../chaos/rng.ts';

export { rng };

export type Behaviour = 'honest' | 'equivocate' | 'bad-shares' | 'bad-reveal' | 'withhold' | 'silent';

export interface Scenario {
  readonly n: number;
  readonly behaviours?: Partial<Record<number, Behaviour>>;
  /** Validators that crash at `at` ms and restart (from their log) at `until` (Infinity: never). */
  readonly crashes?: readonly { node: number; at: number; until: number }[];
  /** Nodes cut off from the others between `at` and `until`. */
  readonly partition?: { nodes: readonly number[]; at: number; until: number };
  readonly dropRate?: number;
  readonly maxDelayMs?: number;
  /** Heights every honest validator must reach. */
  readonly heights: number;
  /** Virtual time limit. */
  readonly limitMs: number;
}

export interface Final {
  readonly hash: string;
  readonly txs: string[];
  readonly random: Uint8Array;
  /** When it became final (virtual ms). */
  readonly at: number;
}


export const simKey = (i: number): Uint8Array => sha256(new TextEncoder().encode(`antshares-web simulator validator ${i}`));

// --- cryptography cached across seeds ---
const cache = new Map<string, unknown>();
function memo<T>(key: string, compute: () => T): T {
  if (cache.has(key)) {
    const v = cache.get(key);
    if (v instanceof Error) throw v;
    return v as T;
  }
  try {
    const v = compute();
    cache.set(key, v);
    return v;
  } catch (e) {
    cache.set(key, e);
    throw e;
  }
}

const cryptos = new Map<number, ConsensusCrypto>();
function cachedCrypto(i: number): ConsensusCrypto {
  const known = cryptos.get(i);
  if (known) return known;
  const real = validatorCrypto(simKey(i));
  const c: ConsensusCrypto = {
    deal: (h, n, k) => memo(`deal:${i}:${h}:${n}:${k}`, () => real.deal(h, n, k)),
    seal: (share, recipient, context) => memo(`seal:${i}:${share}:${bytesToHex(recipient)}:${bytesToHex(context)}`, () => real.seal(share, recipient, context)),
    open: (box, context) => memo(`open:${i}:${bytesToHex(box)}:${bytesToHex(context)}`, () => real.open(box, context)),
    verifyShare: (index, share, commitments) => memo(`vs:${index}:${share}:${commitments.map(bytesToHex).join()}`, () => real.verifyShare(index, share, commitments)),
    secretMatches: (secret, commitments) => memo(`sm:${secret}:${bytesToHex(commitments[0])}`, () => real.secretMatches(secret, commitments)),
    signHeader: (message) => memo(`sign:${i}:${bytesToHex(message)}`, () => sign(message, simKey(i))),
    verifyHeader: (message, signature, key) => memo(`vh:${bytesToHex(message)}:${bytesToHex(signature)}:${bytesToHex(key)}`, () => verifyNoble(signature, message, key)),
  };
  cryptos.set(i, c);
  return c;
}

/** The secret validator i deals at height h (what its dealing's first coefficient is). */
function dealtSecret(i: number, n: number, h: number): bigint {
  return (cachedCrypto(i).deal(h, n, thresholds(n).k) as Dealing).secret;
}

export const txHash = (h: number, j: number): Uint8Array => sha256(new TextEncoder().encode(`sim tx ${h} ${j}`));

const ids = new WeakMap<Message, string>();
function idOf(m: Message): string {
  let id = ids.get(m);
  if (!id) ids.set(m, (id = bytesToHex(sha256(encodeMessage(m)))));
  return id;
}

interface Event {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

class SimNode {
  engine!: Consensus;
  /** The validator's log: what it sent and kept (survives a crash). */
  log: Message[] = [];
  chain: Final[] = [];
  up = true;
  pool = new Set<string>();
  proposals = new Map<number, string[]>();
  dealtAt = new Map<number, number>();
  /** Messages already received (and forwarded). */
  seen = new Set<string>();
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
  get height(): number {
    return this.chain.length + 1;
  }
}

export interface SimResult {
  readonly finals: Map<number, Final>;
  readonly chains: Final[][];
  readonly events: number;
  readonly endMs: number;
  /** Times (ms) at which any honest node first learned a final block, by height. */
  readonly finalAt: Map<number, number>;
}

/** Runs a scenario with one seed; throws (naming the seed) when an invariant breaks. */
export function simulate(seed: number, scenario: Scenario): SimResult {
  const random = rng(seed);
  const n = scenario.n;
  const { m } = thresholds(n);
  // Nodes are named by their validator index j (keys sorted); node j holds key order[j].
  const { order, validators } = keyOrder(n);
  const cryptoOf = (j: number) => cachedCrypto(order[j]);
  const behaviour = (j: number): Behaviour => scenario.behaviours?.[j] ?? 'honest';
  const honest = (j: number) => behaviour(j) === 'honest';
  const maxDelay = scenario.maxDelayMs ?? 40;
  const dropRate = scenario.dropRate ?? 0;

  let now = 0;
  let seq = 0;
  const queue: Event[] = [];
  const schedule = (at: number, run: () => void) => {
    queue.push({ at, seq: seq++, run });
  };
  const finals = new Map<number, Final>();
  const finalAt = new Map<number, number>();
  const nodes = Array.from({ length: n }, (_, j) => new SimNode(j));
  const cut = (a: number, b: number) => {
    const p = scenario.partition;
    if (!p || now < p.at || now >= p.until) return false;
    return p.nodes.includes(a) !== p.nodes.includes(b);
  };

  const deliver = (from: number, to: number, message: Message) => {
    if (cut(from, to) || random() < dropRate) return;
    schedule(now + 1 + Math.floor(random() * maxDelay), () => {
      const node = nodes[to];
      if (!node.up || cut(from, to)) return;
      // Gossip: a message seen for the first time is forwarded to the others, as gossipsub
      // does, so what one validator heard reaches all (equivocations included).
      const id = idOf(message);
      if (node.seen.has(id)) return;
      node.seen.add(id);
      for (let j = 0; j < n; j++) if (j !== to && j !== message.sender) deliver(to, j, message);
      // A message from a later height: the node is behind, and syncs blocks from the sender
      // (core/node does the same over the block-sync protocol).
      if (message.height > node.height && nodes[from].chain.length > node.chain.length) syncFrom(node, nodes[from]);
      node.engine.receive(message);
    });
  };

  /** The one bad box a 'bad-shares' validator puts in its deal: the next validator's share fails the commitments. */
  const spoil = (from: number, message: Message): Message => {
    const body = message.body;
    if (body.kind !== 'deal') return message;
    const to = (from + 1) % n;
    const boxes = [...body.boxes];
    boxes[to] = cryptoOf(from).seal(deriveScalar(simKey(order[from]), Uint8Array.of(7)), validators[to], shareContext(message.height, from, to));
    return { ...message, body: { ...body, boxes } };
  };

  const send = (from: number, sent: Message) => {
    const b = behaviour(from);
    if (b === 'silent') return;
    if (b === 'withhold' && sent.body.kind === 'reveal') return;
    let message = b === 'bad-shares' ? spoil(from, sent) : sent;
    if (b === 'bad-reveal' && sent.body.kind === 'reveal') {
      // Every revealed share off by one: rebuilding from it fails the first commitment.
      const shares = sent.body.shares.map((x) => {
        const wrong = Uint8Array.from(x.share);
        wrong[31] ^= 1;
        return { ...x, share: wrong };
      });
      message = { ...sent, body: { ...sent.body, shares } };
    }
    for (let to = 0; to < n; to++) {
      if (to === from) continue;
      let out = message;
      const body = message.body;
      if (b === 'equivocate' && to % 2 === 0) {
        // Half the validators hear something else: another deal, another set, the other vote.
        if (body.kind === 'deal') out = { ...message, body: { ...body, txs: [] } };
        else if (body.kind === 'propose') out = { ...message, body: { ...body, set: body.set.slice(1) } };
        else if (body.kind === 'prevote' || body.kind === 'precommit') out = { ...message, body: { ...body, set: body.set ? null : sha256(Uint8Array.of(message.round)) } };
      }
      deliver(from, to, out);
    }
  };

  const syncFrom = (node: SimNode, source: SimNode) => {
    const missing = source.chain.slice(node.chain.length);
    node.chain.push(...missing);
    startHeight(node);
  };

  const adopt = (node: SimNode, height: number, final: Final) => {
    if (node.height !== height) return;
    node.chain.push(final);
    startHeight(node);
  };

  const hostOf = (node: SimNode): ConsensusHost => ({
    now: () => now,
    broadcast: (message) => {
      node.log.push(message);
      send(node.index, message);
    },
    persist: (kept) => {
      node.log.push(...(Array.isArray(kept) ? kept : [kept as Message]));
    },
    relay: (message) => {
      if (message.sender === node.index) return send(node.index, message);
      for (let j = 0; j < n; j++) if (j !== node.index) deliver(node.index, j, message);
    },
    proposal: (height) => {
      const txs = [...node.pool];
      node.proposals.set(height, txs);
      node.dealtAt.set(height, now);
      return txs.map((t) => Uint8Array.from(Buffer.from(t, 'hex')));
    },
    missing: () => [],
    assemble: ({ height, random: r, txs, timestamp }) => {
      const prev = node.chain.at(-1)?.hash ?? '00';
      const ts = new Uint8Array(8);
      new DataView(ts.buffer).setUint32(0, height, true);
      new DataView(ts.buffer).setUint32(4, timestamp, true);
      const message = concatBytes(Buffer.from(prev, 'hex'), ts, r, ...txs);
      const assembled: Assembled & { txs: string[]; random: Uint8Array } = { hash: sha256(message), message, txs: txs.map(bytesToHex), random: r };
      return assembled;
    },
    decided: (height, block, signatures) => {
      const a = block as Assembled & { txs: string[]; random: Uint8Array };
      if (signatures.length < m) throw new Error(`seed ${seed}: height ${height} final with ${signatures.length} signatures`);
      for (const s of signatures) {
        if (!cryptoOf(s.index).verifyHeader(block.message, s.signature, validators[s.index])) throw new Error(`seed ${seed}: a bad signature in a final block`);
      }
      const final: Final = { hash: bytesToHex(block.hash), txs: a.txs, random: a.random, at: now };
      const known = finals.get(height);
      if (known && known.hash !== final.hash) throw new Error(`seed ${seed}: two final blocks at height ${height}: ${known.hash} and ${final.hash}`);
      if (!known) {
        finals.set(height, final);
        finalAt.set(height, now);
      }
      schedule(now, () => adopt(node, height, final));
      // The block itself is gossiped: peers that missed the round adopt it (block sync).
      for (const other of nodes) {
        if (other === node || cut(node.index, other.index)) continue;
        schedule(now + 1 + Math.floor(random() * maxDelay), () => {
          if (other.up) adopt(other, height, final);
        });
      }
    },
  });

  const startHeight = (node: SimNode) => {
    const height = node.height;
    // New transactions reach every validator at each height; one reaches only validator 0.
    for (let j = 0; j < 3; j++) for (const x of nodes) x.pool.add(bytesToHex(txHash(height, j)));
    if (height % 2 === 0) nodes[0].pool.add(bytesToHex(txHash(height, 99)));
    for (const t of node.chain.at(-1)?.txs ?? []) node.pool.delete(t);
    node.engine.begin(
      { height, validators, index: node.index, prevTimestamp: node.chain.length, dealAt: now + 50 },
      node.log.filter((x) => x.height === height),
    );
  };

  for (const node of nodes) {
    node.engine = new Consensus(cryptoOf(node.index), hostOf(node), { timeoutMs: 200 });
    startHeight(node);
  }
  for (const c of scenario.crashes ?? []) {
    schedule(c.at, () => {
      nodes[c.node].up = false;
    });
    if (c.until === Infinity) continue;
    schedule(c.until, () => {
      const node = nodes[c.node];
      node.up = true;
      node.seen = new Set();
      // A restart: a new engine; the log and the chain on disk survive; it syncs what it missed.
      node.engine = new Consensus(cryptoOf(node.index), hostOf(node), { timeoutMs: 200 });
      startHeight(node);
    });
  }
  const tick = () => {
    for (const node of nodes) if (node.up) node.engine.tick();
    schedule(now + 25, tick);
  };
  schedule(0, tick);

  // Crashed validators restart, so they too must reach every height; one that crashes for good
  // (`until: Infinity`) is only held to safety until then.
  const gone = new Set((scenario.crashes ?? []).filter((c) => c.until === Infinity).map((c) => c.node));
  const honestNodes = nodes.filter((x) => honest(x.index) && !gone.has(x.index));
  let events = 0;
  while (queue.length > 0 && now <= scenario.limitMs) {
    let best = 0;
    for (let i = 1; i < queue.length; i++) {
      const a = queue[i];
      const b = queue[best];
      if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) best = i;
    }
    const event = queue[best];
    queue[best] = queue[queue.length - 1];
    queue.pop();
    now = Math.max(now, event.at);
    event.run();
    events++;
    // Every honest chain is a prefix of every other.
    for (const a of honestNodes) {
      for (const b of honestNodes) {
        const len = Math.min(a.chain.length, b.chain.length);
        for (let h = 0; h < len; h++) if (a.chain[h].hash !== b.chain[h].hash) throw new Error(`seed ${seed}: chains differ at height ${h + 1}`);
      }
    }
    if (honestNodes.every((x) => x.chain.length >= scenario.heights)) break;
  }
  const behind = honestNodes.filter((x) => x.chain.length < scenario.heights);
  if (behind.length > 0) {
    throw new Error(`seed ${seed}: after ${now} ms, validators ${behind.map((x) => `${x.index}@${x.chain.length}`).join(', ')} are below height ${scenario.heights} (status ${JSON.stringify(behind[0].engine.status())})`);
  }
  // No censorship: what every honest validator proposed at a height is in that height's block.
  for (const [height, final] of finals) {
    const proposers = honestNodes.filter((x) => x.proposals.has(height));
    if (proposers.length < honestNodes.length) continue;
    const all = proposers.map((x) => new Set(x.proposals.get(height)));
    for (const t of all[0]) {
      if (all.every((s) => s.has(t)) && !final.txs.includes(t)) throw new Error(`seed ${seed}: height ${height} left out ${t}, proposed by every honest validator`);
    }
  }
  // The random number is the hash of dealt secrets: one of the sets of at least M dealings.
  for (const [height, final] of finals) {
    if (!matchesSomeSet(final.random, n, height, m)) throw new Error(`seed ${seed}: height ${height}'s random number is no set's`);
  }
  return { finals, chains: nodes.map((x) => x.chain), events, endMs: now, finalAt };
}

/** True when `random` is randomOf the secrets of some set of >= m dealers (in dealer order). */
function matchesSomeSet(random: Uint8Array, n: number, height: number, m: number): boolean {
  const secrets = Array.from({ length: n }, (_, j) => j);
  for (let mask = 0; mask < 1 << n; mask++) {
    const dealers = secrets.filter((j) => mask & (1 << j));
    if (dealers.length < m) continue;
    const r = randomOf(dealers.map((j) => engineSecret(j, n, height)));
    if (bytesToHex(r) === bytesToHex(random)) return true;
  }
  return false;
}

function engineSecret(j: number, n: number, height: number): bigint {
  return dealtSecret(keyOrder(n).order[j], n, height);
}

const orders = new Map<number, { order: number[]; validators: Uint8Array[] }>();
/** The simulator's n keys sorted as the ledger sorts validators: node order[j] is validator j. */
function keyOrder(n: number): { order: number[]; validators: Uint8Array[] } {
  let o = orders.get(n);
  if (!o) {
    const keys = Array.from({ length: n }, (_, i) => getPublicKey(simKey(i)));
    const order = keys.map((k, i) => ({ k, i })).sort((a, b) => comparePublicKeys(a.k, b.k)).map((x) => x.i);
    orders.set(n, (o = { order, validators: order.map((i) => keys[i]) }));
  }
  return o;
}
