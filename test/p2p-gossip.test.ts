import { hearsSubscriber, until } from './helpers.ts';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bytesToHex, isInputError } from '../core/encoding/index.ts';
import { decodeTransaction, encodeTransaction } from '../core/tx/index.ts';
import { Peer, type Verdict } from '../core/p2p/peer.ts';
import { buildChain } from './fixtures.ts';

const MAGIC = 0x414e5354;
const peers: Peer[] = [];


/** A transaction topic validator: well-formed bytes pass, anything else is the sender's fault. */
function validateTransaction(data: Uint8Array): Verdict {
  try {
    decodeTransaction(data);
    return 'accept';
  } catch (e) {
    if (isInputError(e)) return 'reject';
    throw e;
  }
}

afterAll(async () => {
  await Promise.all(peers.map((p) => p.stop()));
});

describe('peers over real libp2p on loopback (WebSockets)', () => {
  it('gossip a transaction; a peer that sends garbage is dropped and its message goes nowhere', async () => {
    const start = async () => {
      const p = await Peer.start({ magic: MAGIC, listen: ['/ip4/127.0.0.1/tcp/0/ws'] });
      peers.push(p);
      return p;
    };
    const [a, b, mallory] = [await start(), await start(), await start()];
    const received: { at: string; data: string }[] = [];
    for (const [name, p] of [['a', a], ['b', b]] as const) {
      p.subscribe(p.topics.transactions, validateTransaction, (data) => received.push({ at: name, data: bytesToHex(data) }));
    }
    mallory.subscribe(mallory.topics.transactions, () => 'accept', () => {});
    await b.dial(a.addresses()[0]);
    await mallory.dial(a.addresses()[0]);
    const topic = a.topics.transactions;
    await until('the mesh', () => hearsSubscriber(b, topic, a) && hearsSubscriber(mallory, topic, a) && hearsSubscriber(a, topic, b) && hearsSubscriber(a, topic, mallory));

    const tx = encodeTransaction(buildChain(1).block1.transactions[1]);
    await b.publish(b.topics.transactions, tx);
    await until('the transaction at a', () => received.some((r) => r.at === 'a'));
    expect(received).toEqual([{ at: 'a', data: bytesToHex(tx) }]);

    const malloryId = mallory.node.peerId.toString();
    expect(a.connections()).toContain(malloryId);
    await mallory.publish(mallory.topics.transactions, Uint8Array.of(0x80, 0xff, 0xff));
    await until('a to drop mallory', () => !a.connections().includes(malloryId));
    await new Promise((r) => setTimeout(r, 300));
    expect(received.map((r) => r.data)).toEqual([bytesToHex(tx)]);
    expect(a.connections()).toContain(b.node.peerId.toString());
    // Refused for a while, by a's own choice.
    expect(a.isBanned(malloryId)).toBe(true);
    await mallory.dial(a.addresses()[0]).catch(() => {}); // a closes it during the upgrade
    await new Promise((r) => setTimeout(r, 300));
    expect(a.connections()).not.toContain(malloryId);
  });

  it('a peer over its rate limit has its excess dropped, then is disconnected and refused', async () => {
    const a = await Peer.start({ magic: MAGIC, listen: ['/ip4/127.0.0.1/tcp/0/ws'], rateLimits: { transactions: { perSecond: 1, burst: 5 } } });
    const flood = await Peer.start({ magic: MAGIC, listen: ['/ip4/127.0.0.1/tcp/0/ws'] });
    peers.push(a, flood);
    const delivered: string[] = [];
    a.subscribe(a.topics.transactions, () => 'accept', (data) => delivered.push(bytesToHex(data)));
    flood.subscribe(flood.topics.transactions, () => 'accept', () => {});
    await flood.dial(a.addresses()[0]);
    await until('the mesh', () => hearsSubscriber(a, a.topics.transactions, flood) && hearsSubscriber(flood, a.topics.transactions, a));
    const floodId = flood.node.peerId.toString();
    for (let i = 0; i < 40 && a.connections().includes(floodId); i++) {
      await flood.publish(flood.topics.transactions, Uint8Array.of(i, 1, 2, 3));
      await new Promise((r) => setTimeout(r, 10));
    }
    await until('the flood dropped', () => !a.connections().includes(floodId));
    expect(delivered.length).toBeGreaterThanOrEqual(5); // the burst went through
    expect(delivered.length).toBeLessThan(10); // the rest did not
    expect(a.isBanned(floodId)).toBe(true);
  });
});

describe('what gossip alone cannot make a peer pay for (issue 15)', () => {
  const start = async (options: Partial<Parameters<typeof Peer.start>[0]> = {}) => {
    const p = await Peer.start({ magic: MAGIC, listen: ['/ip4/127.0.0.1/tcp/0/ws'], ...options });
    peers.push(p);
    return p;
  };

  it('a gossip frame of 10 MB, or one that is not a gossip message, bans its sender', async () => {
    const a = await start();
    a.subscribe(a.topics.blocks, () => 'accept', () => {});
    for (const kind of ['oversized', 'garbage'] as const) {
      const m = await start();
      m.subscribe(m.topics.blocks, () => 'accept', () => {});
      await m.dial(a.addresses()[0]);
      await until('the subscriptions', () => hearsSubscriber(m, m.topics.blocks, a) && hearsSubscriber(a, a.topics.blocks, m));
      const id = m.node.peerId.toString();
      const stream = await m.node.dialProtocol(a.node.peerId, ['/meshsub/1.2.0', '/meshsub/1.1.0']);
      if (kind === 'oversized') {
        stream.send(Uint8Array.of(0x80, 0x80, 0x80, 0x05)); // a length prefix of 10 MiB
        for (let i = 0; i < 20 && stream.status === 'open'; i++) stream.send(new Uint8Array(60_000));
      } else {
        stream.send(Uint8Array.of(8, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3)); // 8 bytes that are no RPC
      }
      await until(`a to ban the ${kind} sender`, () => a.isBanned(id), 5000);
      expect(a.bans.find((b) => b.peer === id)?.reason).toMatch(kind === 'oversized' ? /over 4194304 bytes/ : /not a gossipsub message/);
    }
  });

  it('peers made by the dozen on one address do not silence the honest peers there (no IP colocation penalty)', async () => {
    const a = await start();
    const b = await start();
    const got: string[] = [];
    a.subscribe(a.topics.blocks, () => 'accept', (data) => got.push(bytesToHex(data)));
    b.subscribe(b.topics.blocks, () => 'accept', () => {});
    await b.dial(a.addresses()[0]);
    // 15 throwaway identities on 127.0.0.1, each connected and subscribed (gossipsub's default
    // scoring graylisted every peer of an address past 10, for an hour).
    const sybils: Peer[] = [];
    for (let i = 0; i < 15; i++) {
      const s = await start();
      s.subscribe(s.topics.blocks, () => 'accept', () => {});
      await new Promise((r) => setTimeout(r, 250)); // libp2p takes 5 new connections a second from one host
      await s.dial(a.addresses()[0]);
      sybils.push(s);
    }
    await until('the subscriptions', () => hearsSubscriber(b, b.topics.blocks, a) && sybils.every((s) => hearsSubscriber(a, a.topics.blocks, s)));
    await new Promise((r) => setTimeout(r, 1500)); // a heartbeat or two: scores computed
    await b.publish(b.topics.blocks, Uint8Array.of(1, 2, 3));
    await until('b heard by a', () => got.includes('010203'), 5000);
  });
});

describe("a peer's standing (issue 15)", () => {
  it('scores recover with time, quiet peers are forgotten, and a ban is recorded once per peer with its count', async () => {
    const p = await Peer.start({ magic: MAGIC, listen: [] });
    peers.push(p);
    let now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      await p.penalize('peerA', 50, 'slow');
      expect(p.score('peerA')).toBe(-50);
      now += 20_000;
      expect(p.score('peerA')).toBe(-30); // a point a second back
      for (let i = 0; i < 30; i++) {
        await p.penalize(`quiet${i}`, 5, 'over the rate');
        p.admit(`quiet${i}`, 'transactions');
      }
      expect(p.remembered).toBeGreaterThanOrEqual(31);
      now += 6 * 60_000; // quiet for six minutes: forgotten at the next sweep
      p.admit('someoneElse', 'transactions');
      expect(p.remembered).toBeLessThanOrEqual(1);
      // One burst of invalid messages: one ban, counted once; banned again later: the same entry, count 2.
      for (let i = 0; i < 4; i++) await p.penalize('mallory', 100, 'garbage');
      expect(p.bans.filter((b) => b.peer === 'mallory')).toEqual([expect.objectContaining({ count: 1, reason: 'garbage' })]);
      now += 11 * 60_000;
      expect(p.isBanned('mallory')).toBe(false);
      await p.penalize('mallory', 100, 'garbage again');
      expect(p.bans.filter((b) => b.peer === 'mallory')).toEqual([expect.objectContaining({ count: 2, reason: 'garbage again' })]);
    } finally {
      clock.mockRestore();
    }
  });
});
