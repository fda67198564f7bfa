import { hearsSubscriber, until } from './helpers.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../core/encoding/index.ts';
import { encodeBlock } from '../core/block/index.ts';
import { MemoryStore } from '../core/store/memory.ts';
import { Node } from '../core/node/node.ts';
import { Peer } from '../core/p2p/peer.ts';
import { ANTCOIN_ID, FIXED8_ONE, account, signBlock, testNet, transfer, type TestNet } from './devnet.ts';
import { keyOf } from './history.ts';
import { parseFixed8 } from '../core/encoding/index.ts';

const LISTEN = ['/ip4/127.0.0.1/tcp/0/ws'];
let net: TestNet;
const nodes: Node[] = [];
const peers: Peer[] = [];


async function start(bootstrap: string[] = []): Promise<Node> {
  const n = await Node.start({ settings: net.settings, store: new MemoryStore(), listen: LISTEN, bootstrap });
  nodes.push(n);
  return n;
}

/** The validators' part, done by the test: the next block over `node`'s mempool, signed, published by `node`. */
async function produceOn(node: Node): Promise<void> {
  const ledger = node.chain.ledger;
  const unsigned = ledger.prepareBlock({ transactions: node.mempool.transactions(), timestamp: ledger.tip.timestamp + 2, consensusData: BigInt(ledger.height * 31 + 7) });
  await node.publishBlock(encodeBlock(signBlock(unsigned, ledger.nextValidators(), net.keys)));
}

const tipOf = (n: Node) => bytesToHex(n.chain.ledger.tip.blockHash);

beforeAll(() => {
  net = testNet(4, keyOf(5));
});

afterAll(async () => {
  await Promise.all([...nodes.map((n) => n.stop()), ...peers.map((p) => p.stop())]);
});

describe('nodes over real libp2p on loopback', () => {
  it('gossip blocks and transactions; a late node syncs; a peer gossiping a bad block is dropped', async () => {
    const a = await start();
    const b = await start(a.peer.addresses());
    await until('the block mesh', () => a.peer.node.services.pubsub.getSubscribers(a.peer.topics.blocks).length > 0 && b.peer.node.services.pubsub.getSubscribers(b.peer.topics.blocks).length > 0);

    for (let i = 0; i < 3; i++) {
      await produceOn(a);
      await until(`block ${a.height} at b`, () => b.height === a.height);
    }
    expect(tipOf(b)).toBe(tipOf(a));

    // A transaction submitted to b reaches a's mempool, then a block, and leaves both mempools.
    const bob = account();
    const tx = transfer({ ...net, ledger: b.chain.ledger }, net.holder, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, parseFixed8('0.01'));
    await b.submit(tx);
    await until('the transaction at a', () => a.mempool.size === 1);
    await produceOn(a);
    await until('the block at b', () => b.height === a.height);
    expect(b.chain.ledger.balance(bob.scriptHash, ANTCOIN_ID)).toBe(FIXED8_ONE);
    expect([a.mempool.size, b.mempool.size]).toEqual([0, 0]);

    // A node that joins later syncs to the tip on start.
    const c = await start(a.peer.addresses());
    expect(c.height).toBe(a.height);
    expect(tipOf(c)).toBe(tipOf(a));

    // A peer that gossips a corrupted next block is disconnected; nobody's chain moves.
    const mallory = await Peer.start({ magic: net.settings.magic, listen: LISTEN });
    peers.push(mallory);
    mallory.subscribe(mallory.topics.blocks, () => 'accept', () => {});
    await mallory.dial(a.peer.addresses()[0]);
    const topic = a.peer.topics.blocks;
    await until('mallory in the mesh', () => hearsSubscriber(a.peer, topic, mallory) && hearsSubscriber(mallory, topic, a.peer));
    const ledger = a.chain.ledger;
    const next = encodeBlock(signBlock(ledger.prepareBlock({ transactions: [], timestamp: ledger.tip.timestamp + 2, consensusData: 1n }), ledger.nextValidators(), net.keys));
    next[next.length - 10] ^= 1;
    const height = a.height;
    await mallory.publish(mallory.topics.blocks, next);
    await until('a to drop mallory', () => !a.peer.connections().includes(mallory.node.peerId.toString()));
    expect([a.height, b.height, c.height]).toEqual([height, height, height]);
  });

  it('a node whose connection to its bootstrap peer drops dials it again and catches up', { timeout: 30_000 }, async () => {
    const a = await start();
    const b = await start(a.peer.addresses());
    const aId = a.peer.node.peerId.toString();
    await a.peer.node.hangUp(b.peer.node.peerId); // not a ban: the connection just goes
    await produceOn(a); // a block b misses while it is cut off
    await until('b dialled a again', () => b.peer.connections().includes(aId) && b.reconnects >= 1, 15_000);
    await until('b caught up', () => b.height === a.height, 15_000);
    expect(tipOf(b)).toBe(tipOf(a));
  });
});

describe("a Node peer's threads", () => {
  it('the thread pool (signature checks, store writes) runs below the event loop (Linux)', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const { prioritizeEventLoop } = await import('../core/node/priority.node.ts');
    const { getPriority } = await import('node:os');
    const mainBefore = getPriority(process.pid);
    const lowered = await prioritizeEventLoop();
    if (process.platform !== 'linux') {
      expect(lowered).toBe(0);
      return;
    }
    // /proc/<pid>/task/<tid>/stat: after "(name) ", the 17th field is the nice value.
    const threads = readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return { tid: Number(tid), name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice: Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]) };
    });
    const pool = threads.filter((t) => t.name === 'libuv-worker');
    expect(pool.length).toBe(lowered);
    expect(lowered).toBeGreaterThan(0);
    for (const t of pool) expect(t.nice).toBe(19);
    expect(threads.find((t) => t.tid === process.pid)?.nice).toBe(mainBefore); // the main thread is left as it was
    // Work on the pool still runs.
    const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(3));
    expect(new Uint8Array(digest).length).toBe(32);
  });
});
