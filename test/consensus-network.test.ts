/**
 * The consensus over real libp2p on loopback (issue 4's acceptance): validator nodes with
 * on-disk stores, stopped and restarted, a byzantine validator, and a peer sending garbage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hearsSubscriber, until } from './helpers.ts';
import { bytesToHex, parseFixed8 } from '../core/encoding/index.ts';
import { blockHash, decodeBlock } from '../core/block/index.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { Node } from '../core/node/node.ts';
import { Peer } from '../core/p2p/peer.ts';
import { sortPublicKeys } from '../core/script/accounts.ts';
import { validatorCrypto } from '../core/consensus/crypto.ts';
import { randomOf, shareContext, thresholds } from '../core/consensus/engine.ts';
import { sealMessage, type Message } from '../core/consensus/messages.ts';
import { deal, sealShare } from '../core/consensus/vss.ts';
import { sha256 } from '../core/crypto/hash.ts';
import { ANTSHARE_ID, FIXED8_ONE, account, testNet, transfer, type TestNet } from './devnet.ts';
import { keyOf } from './history.ts';
import { Ledger } from '../core/state/index.ts';

const LISTEN = ['/ip4/127.0.0.1/tcp/0/ws'];
let net: TestNet;
let root: string;
const running = new Set<Node | Peer>();

beforeAll(() => {
  net = testNet(4, keyOf(41));
  root = mkdtempSync(join(tmpdir(), 'ans-consensus-'));
});

afterAll(async () => {
  await Promise.all([...running].map((n) => n.stop()));
  rmSync(root, { recursive: true, force: true });
});

const settings = () => ({ ...net.settings, blockTimeMs: 1000 });

async function startValidator(i: number, bootstrap: string[] = [], folder = `v${i}`): Promise<Node> {
  const store = await LevelStore.open(join(root, folder));
  const node = await Node.start({ settings: settings(), store, listen: LISTEN, bootstrap, validator: { privateKey: net.validators[i].key } });
  running.add(node);
  return node;
}

async function stop(node: Node): Promise<void> {
  running.delete(node);
  await node.stop();
}

async function hashAt(node: Node, height: number): Promise<string> {
  return bytesToHex(blockHash(decodeBlock((await node.chain.blockBytes(height))!)));
}

/** Every node has the same block at every height up to the lowest tip. */
async function expectOneChain(nodes: readonly Node[]): Promise<void> {
  const common = Math.min(...nodes.map((n) => n.height));
  for (let h = 1; h <= common; h++) {
    const hashes = new Set(await Promise.all(nodes.map((n) => hashAt(n, h))));
    expect(hashes.size, `height ${h}`).toBe(1);
  }
}

const higher = (nodes: readonly Node[], by = 2) => {
  const target = Math.max(...nodes.map((n) => n.height)) + by;
  return () => nodes.every((n) => n.height >= target);
};

describe('four validators over real libp2p, on disk', () => {
  const v: Node[] = [];

  it('produce blocks with the same tip everywhere; a transaction sent to any peer lands once', { timeout: 60_000 }, async () => {
    v.push(await startValidator(0));
    const boot = v[0].peer.addresses();
    for (let i = 1; i < 4; i++) v.push(await startValidator(i, boot));
    await until('height 3 everywhere', () => v.every((n) => n.height >= 3), 30_000);
    const bob = account();
    const tx = transfer({ ...net, ledger: v[2].chain.ledger }, net.holder, bob.scriptHash, ANTSHARE_ID, 10n * FIXED8_ONE, parseFixed8('0.01'));
    await v[2].submit(tx);
    await until('the transfer in a block everywhere', () => v.every((n) => n.chain.ledger.balance(bob.scriptHash, ANTSHARE_ID) === 10n * FIXED8_ONE), 30_000);
    await until('two more blocks', higher(v), 30_000);
    expect(v.every((n) => n.chain.ledger.balance(bob.scriptHash, ANTSHARE_ID) === 10n * FIXED8_ONE)).toBe(true);
    expect(v.every((n) => n.mempool.size === 0)).toBe(true);
    // Validators apply the blocks they assembled without running the rules again: each one's
    // state is the state of its stored blocks checked from scratch.
    expect(v.reduce((sum, n) => sum + n.chain.ledger.reusedChecks, 0)).toBeGreaterThan(0);
    await expectOneChain(v);
    for (const n of v) {
      const [height, state] = [n.height, bytesToHex(n.chain.ledger.stateHash())];
      const blocks = await Promise.all(Array.from({ length: height }, (_, i) => n.chain.blockBytes(i + 1)));
      const { ledger } = Ledger.withGenesis(net.settings);
      for (const b of blocks) await ledger.applyBlock(decodeBlock(b!));
      expect(bytesToHex(ledger.stateHash()), `validator ${v.indexOf(n)} at ${height}`).toBe(state);
    }
  });

  it('one validator stopped: blocks continue; restarted, it catches up and takes part again', { timeout: 90_000 }, async () => {
    const [a, b, c, d] = v;
    await stop(d);
    await until('two blocks without d', higher([a, b, c]), 30_000);
    const restarted = await startValidator(3, a.peer.addresses());
    v[3] = restarted;
    await until('d caught up', () => restarted.height >= a.height - 1, 30_000);
    // With c stopped, M = 3 of 4 needs d: blocks continue only if d takes part.
    await stop(c);
    await until('two blocks with d and without c', higher([a, b, restarted]), 40_000);
    await expectOneChain([a, b, restarted]);
    v[2] = await startValidator(2, a.peer.addresses());
    await until('c caught up', () => v[2].height >= a.height - 1, 30_000);
    await until('blocks with all four', higher(v), 30_000);
  });

  it('two of four stopped: no block and no fork; blocks resume when one returns', { timeout: 90_000 }, async () => {
    const [a, b, c, d] = v;
    await stop(c);
    await stop(d);
    await new Promise((r) => setTimeout(r, 1500)); // a block that was already signed may still land
    const stalled = a.height;
    await new Promise((r) => setTimeout(r, 5000));
    expect(a.height).toBe(stalled);
    expect(b.height).toBe(stalled);
    await expectOneChain([a, b]);
    v[3] = await startValidator(3, a.peer.addresses());
    await until('blocks resume with three', higher([a, b, v[3]]), 60_000);
    await expectOneChain([a, b, v[3]]);
    v[2] = await startValidator(2, a.peer.addresses());
    await until('all four again', higher(v), 40_000);
    await expectOneChain(v);
  });

  it('a peer that sends malformed consensus messages is dropped and changes nothing', { timeout: 60_000 }, async () => {
    const a = v[0];
    const bad = await Peer.start({ magic: net.settings.magic, listen: LISTEN });
    running.add(bad);
    bad.subscribe(bad.topics.consensus, () => 'accept', () => {});
    await bad.dial(a.peer.addresses()[0]);
    const badId = bad.node.peerId.toString();
    await until('the mesh', () => hearsSubscriber(a.peer, a.peer.topics.consensus, bad) && hearsSubscriber(bad, a.peer.topics.consensus, a.peer));
    const before = a.height;
    // Garbage: dropped and banned.
    await bad.publish(bad.topics.consensus, Uint8Array.of(1, 2, 3));
    await until('the sender is dropped', () => !a.peer.connections().includes(badId), 10_000);
    expect(a.peer.isBanned(badId)).toBe(true);
    // A well-formed message for the next height that names validator 1 but is signed by another
    // key (validator 2's): dropped and banned too, and not forwarded to the others.
    const forger = await Peer.start({ magic: net.settings.magic, listen: LISTEN });
    running.add(forger);
    forger.subscribe(forger.topics.consensus, () => 'accept', () => {});
    await forger.dial(a.peer.addresses()[0]);
    const forgerId = forger.node.peerId.toString();
    await until('the forger in the mesh', () => hearsSubscriber(a.peer, a.peer.topics.consensus, forger) && hearsSubscriber(forger, a.peer.topics.consensus, a.peer));
    const sorted = net.ledger.nextValidators().map(bytesToHex);
    const signer = net.validators.find((x) => bytesToHex(x.publicKey) === sorted[2])!;
    const forged = sealMessage(net.settings.magic, { height: a.height + 1, round: 0, sender: 1, body: { kind: 'prevote', set: null } }, signer.key);
    await forger.publish(forger.topics.consensus, forged);
    await until('the forger is dropped', () => !a.peer.connections().includes(forgerId), 10_000);
    expect(a.peer.bans.find((b) => b.peer === forgerId)?.reason).toMatch(/not signed by validator 1/);
    await until('blocks go on', () => a.height > before + 1, 30_000);
    await expectOneChain(v);
  });
});

describe('a byzantine validator over real libp2p', () => {
  it('conflicting deals, a bad share, random votes and a withheld reveal cannot stop blocks or choose the random number', { timeout: 90_000 }, async () => {
    const honest: Node[] = [];
    honest.push(await startValidator(0, [], 'b0'));
    const boot = honest[0].peer.addresses();
    for (let i = 1; i < 3; i++) honest.push(await startValidator(i, boot, `b${i}`));
    // Validator 3 runs no engine: it sends, at each height, two different deals (one with a bad
    // box for another validator), prevotes and precommits for sets that do not exist, and never reveals.
    const byzKey = net.validators[3].key;
    const byz = await Node.start({ settings: settings(), store: await LevelStore.open(join(root, 'b3')), listen: LISTEN, bootstrap: boot });
    running.add(byz);
    const validators = sortPublicKeys(net.validators.map((x) => x.publicKey));
    const me = validators.findIndex((k) => bytesToHex(k) === bytesToHex(net.validators[3].publicKey));
    const n = validators.length;
    const { k } = thresholds(n);
    const secrets = new Map<number, bigint>();
    const attack = async (height: number) => {
      const send = (m: Omit<Message, 'height' | 'sender'>) => byz.peer.publish(byz.peer.topics.consensus, sealMessage(net.settings.magic, { ...m, height, sender: me }, byzKey));
      const dealing = deal(n, k);
      secrets.set(height, dealing.secret);
      const boxes = validators.map((pk, j) => sealShare(j === (me + 1) % n ? dealing.shares[j] + 1n : dealing.shares[j], pk, shareContext(height, me, j)));
      const timestamp = Math.floor(Date.now() / 1000);
      await send({ round: 0, body: { kind: 'deal', timestamp, commitments: dealing.commitments, boxes, txs: [] } });
      await send({ round: 0, body: { kind: 'deal', timestamp: timestamp + 1, commitments: dealing.commitments, boxes, txs: [sha256(Uint8Array.of(height))] } });
      for (let round = 0; round < 3; round++) {
        await send({ round, body: { kind: 'prevote', set: sha256(Uint8Array.of(round, 1)) } });
        await send({ round, body: { kind: 'precommit', set: sha256(Uint8Array.of(round, 2)) } });
      }
    };
    let attacked = 0;
    byz.onTip(() => {
      attacked = byz.height + 1;
      void attack(attacked).catch(() => {});
    });
    await until('the byzantine validator in the mesh', () => byz.peer.connections().length > 0, 10_000);
    const start = honest[0].height;
    await until('five blocks despite it', () => honest.every((x) => x.height >= start + 5), 60_000);
    expect(attacked).toBeGreaterThan(start);
    await expectOneChain([...honest, byz]);
    // Every block's random number comes from a set of at least M dealings, and each such set
    // holds at least M - f = 2 honest secrets, derived from keys the byzantine validator lacks.
    const { m } = thresholds(n);
    for (let h = start + 1; h <= start + 5; h++) {
      const block = decodeBlock((await honest[0].chain.blockBytes(h))!);
      const secretOf = (j: number) => (j === me ? secrets.get(h) : validatorCrypto(net.validators.find((x) => bytesToHex(x.publicKey) === bytesToHex(validators[j]))!.key).deal(h, n, k).secret);
      let found: number[] | null = null;
      for (let mask = 0; mask < 1 << n && !found; mask++) {
        const set = [...Array(n).keys()].filter((j) => mask & (1 << j));
        if (set.length < m || set.some((j) => secretOf(j) === undefined)) continue;
        const r = randomOf(set.map((j) => secretOf(j)!));
        if (new DataView(r.buffer, r.byteOffset, 8).getBigUint64(0, true) === block.consensusData) found = set;
      }
      expect(found, `height ${h}: the random number is no set's`).not.toBeNull();
      expect(found!.filter((j) => j !== me).length).toBeGreaterThanOrEqual(m - 1);
    }
  });
});
