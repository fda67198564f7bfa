import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../core/encoding/index.ts';
import { blockHash, encodeBlock, verifyHeaderWitness } from '../core/block/index.ts';
import { Chain, type NetworkSettings } from '../core/state/index.ts';
import { MemoryStore } from '../core/store/memory.ts';
import { Peer } from '../core/p2p/peer.ts';
import { fetchBlocks, fetchHeaders, serveBlocks, serveHeaders, syncFrom, syncProtocolOf } from '../core/p2p/sync.ts';
import { lpStream } from '@libp2p/utils';
import { until } from './helpers.ts';
import { grow, newHistory, type History } from './history.ts';

const SEED = 99;
let history: History;
let settings: NetworkSettings;
const reference: string[] = [];
const peers: Peer[] = [];

beforeAll(async () => {
  history = newHistory(SEED);
  settings = history.net.settings;
  reference.push(bytesToHex(history.net.ledger.stateHash()));
  await grow(history, SEED, 60, () => {
    reference.push(bytesToHex(history.net.ledger.stateHash()));
  });
});

afterAll(async () => {
  await Promise.all(peers.map((p) => p.stop()));
});

async function peer(): Promise<Peer> {
  const p = await Peer.start({ magic: settings.magic, listen: ['/ip4/127.0.0.1/tcp/0/ws'] });
  peers.push(p);
  return p;
}

describe('block sync over real libp2p on loopback', () => {
  it('a new peer syncs every block and reaches the same state', async () => {
    const server = await peer();
    const source = await Chain.open(new MemoryStore(), settings);
    await source.addBlocks(history.blocks.map(encodeBlock));
    await serveBlocks(server, settings.magic, (h) => source.blockBytes(h));
    const client = await peer();
    await client.dial(server.addresses()[0]);
    const chain = await Chain.open(new MemoryStore(), settings);
    const heights: number[] = [];
    const result = await syncFrom(client, settings.magic, server.node.peerId.toString(), chain, (h) => heights.push(h));
    expect(result).toEqual({ height: 60 });
    expect(heights).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[60]);
  });

  it('serves headers by height range: each the block\'s, with its witness, checkable one after another', async () => {
    const server = await peer();
    const source = await Chain.open(new MemoryStore(), settings);
    await source.addBlocks(history.blocks.map(encodeBlock));
    await serveHeaders(server, settings.magic, (h) => source.blockBytes(h));
    const client = await peer();
    await client.dial(server.addresses()[0]);
    const headers = await fetchHeaders(client, settings.magic, server.node.peerId.toString(), 1, 60);
    expect(headers).toHaveLength(60);
    let expectedMiner = history.net.genesis.nextMiner;
    let prev = blockHash(history.net.genesis);
    for (const [i, header] of headers.entries()) {
      expect(header.height).toBe(i + 1);
      expect(bytesToHex(header.prevBlock)).toBe(bytesToHex(prev));
      await verifyHeaderWitness(header, expectedMiner);
      expectedMiner = header.nextMiner;
      prev = blockHash(header);
    }
    expect(await fetchHeaders(client, settings.magic, server.node.peerId.toString(), 61, 10)).toEqual([]);
  });

  it('a server that sends a bad block is dropped; the client keeps the good blocks before it', async () => {
    const liar = await peer();
    await serveBlocks(liar, settings.magic, async (h) => {
      const block = history.blocks[h - 1];
      if (!block) return undefined;
      const bytes = encodeBlock(block);
      if (h === 25) bytes[bytes.length - 20] ^= 1; // a changed byte in block 25
      return bytes;
    });
    const client = await peer();
    await client.dial(liar.addresses()[0]);
    const chain = await Chain.open(new MemoryStore(), settings);
    const result = await syncFrom(client, settings.magic, liar.node.peerId.toString(), chain);
    expect(result.height).toBe(24);
    expect(result.error).toBeDefined();
    expect(bytesToHex(chain.ledger.stateHash())).toBe(reference[24]);
    expect(client.connections()).not.toContain(liar.node.peerId.toString());
    // And it is refused for a while: no reconnecting to feed the same lie.
    expect(client.isBanned(liar.node.peerId.toString())).toBe(true);
    await expect(client.dial(liar.addresses()[0])).rejects.toThrow();
  });
});

describe('request/response protocols: deadlines, bounds, rate limits, penalties (issue 15)', () => {
  it('a server that never answers fails the request at its deadline and costs the server; the client is not held', async () => {
    const silent = await peer();
    await silent.node.handle(syncProtocolOf(settings.magic), async (stream) => {
      await new Promise((r) => setTimeout(r, 30_000));
      stream.abort(new Error('late'));
    });
    const client = await peer();
    await client.dial(silent.addresses()[0]);
    const id = silent.node.peerId.toString();
    const t0 = Date.now();
    const chain = await Chain.open(new MemoryStore(), settings);
    const result = await syncFrom(client, settings.magic, id, chain);
    const took = Date.now() - t0;
    expect((result.error as { code?: string }).code).toBe('PEER_TIMEOUT');
    expect(took).toBeLessThan(15_000); // the idle deadline of a range (10 s), not forever
    expect(client.score(id)).toBeLessThan(0);
  });

  it('an answer with more than was asked for bans its server', async () => {
    const liar = await peer();
    await liar.node.handle(syncProtocolOf(settings.magic), async (stream) => {
      const lp = lpStream(stream);
      await lp.read();
      for (let i = 0; i < 3; i++) await lp.write(encodeBlock(history.blocks[i])); // asked for 2
      await lp.write(new Uint8Array(0));
      await stream.close();
    });
    const client = await peer();
    await client.dial(liar.addresses()[0]);
    const id = liar.node.peerId.toString();
    await expect(fetchBlocks(client, settings.magic, id, 1, 2)).rejects.toThrow(/more than the 2 items asked for/);
    await until('the liar banned', () => client.isBanned(id));
  });

  it('an answer past the byte bound (500 blocks of 4 MiB could be buffered, on e4033aa) bans its server', async () => {
    const big = await peer();
    await big.node.handle(syncProtocolOf(settings.magic), async (stream) => {
      const lp = lpStream(stream, { maxDataLength: 8 << 20 });
      await lp.read();
      for (let i = 0; i < 6; i++) await lp.write(new Uint8Array(4 << 20)); // 24 MiB, 6 "blocks" of 4 MiB
      await lp.write(new Uint8Array(0));
      await stream.close();
    });
    const client = await peer();
    await client.dial(big.addresses()[0]);
    const id = big.node.peerId.toString();
    await expect(fetchBlocks(client, settings.magic, id, 1, 100)).rejects.toThrow(/more than 16777216 bytes/);
    await until('the server banned', () => client.isBanned(id));
  });

  it('a peer that floods requests is refused past its rate and banned; one that never sends its request is penalised at the deadline', async () => {
    const server = await peer();
    const source = await Chain.open(new MemoryStore(), settings);
    await source.addBlocks(history.blocks.slice(0, 5).map(encodeBlock));
    await serveBlocks(server, settings.magic, (h) => source.blockBytes(h));
    const flood = await peer();
    await flood.dial(server.addresses()[0]);
    const floodId = flood.node.peerId.toString();
    for (let i = 0; i < 120 && !server.isBanned(floodId); i++) {
      void fetchBlocks(flood, settings.magic, server.node.peerId.toString(), 1, 2).catch(() => {});
      await new Promise((r) => setTimeout(r, 2));
    }
    await until('the flood banned', () => server.isBanned(floodId), 5000);
    expect(server.bans.find((b) => b.peer === floodId)?.reason).toMatch(/over the rate limit of blockRequests/);
  });
});
