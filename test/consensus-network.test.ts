/**
 * The consensus over real libp2p on loopback (issue 4's acceptance): four validator nodes and
 * a plain peer, each with its own store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './helpers.ts';
import { bytesToHex, parseFixed8 } from '../core/encoding/index.ts';
import { blockHash, decodeBlock } from '../core/block/index.ts';
import { MemoryStore } from '../core/store/memory.ts';
import { Node } from '../core/node/node.ts';
import { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE, account, testNet, transfer, type TestNet } from './devnet.ts';
import { keyOf } from './history.ts';

const LISTEN = ['/ip4/127.0.0.1/tcp/0/ws'];
let net: TestNet;
const running = new Set<Node>();

const tipOf = (n: Node) => bytesToHex(n.chain.ledger.tip.blockHash);

async function startValidator(i: number, store = new MemoryStore(), bootstrap: string[] = []): Promise<Node> {
  const settings = { ...net.settings, blockTimeMs: 1000 };
  const node = await Node.start({ settings, store, listen: LISTEN, bootstrap, validator: { privateKey: net.validators[i].key } });
  running.add(node);
  return node;
}

beforeAll(() => {
  net = testNet(4, keyOf(41));
});

afterAll(async () => {
  await Promise.all([...running].map((n) => n.stop()));
});

describe('four validators over real libp2p', () => {
  it('produce blocks with the same tip everywhere; a transaction lands once', { timeout: 60_000 }, async () => {
    const first = await startValidator(0);
    const boot = first.peer.addresses();
    const others = [];
    for (let i = 1; i < 4; i++) others.push(await startValidator(i, new MemoryStore(), boot));
    const all = [first, ...others];
    await until('height 3 everywhere', () => all.every((n) => n.height >= 3), 30_000);
    const bob = account();
    const tx = transfer({ ...net, ledger: others[2].chain.ledger }, net.holder, bob.scriptHash, ANTSHARE_ID, 10n * FIXED8_ONE, parseFixed8('0.01'));
    await others[2].submit(tx);
    await until('the transfer in a block everywhere', () => all.every((n) => n.chain.ledger.balance(bob.scriptHash, ANTSHARE_ID) === 10n * FIXED8_ONE), 30_000);
    const h = Math.max(...all.map((n) => n.height));
    await until('one more block everywhere', () => all.every((n) => n.height > h), 30_000);
    const common = Math.min(...all.map((n) => n.height));
    const hashes = await Promise.all(all.map(async (n) => bytesToHex(blockHash(decodeBlock((await n.chain.blockBytes(common))!)))));
    expect(new Set(hashes).size).toBe(1);
    void tipOf;
    void ANTCOIN_ID;
    void FIXED8_ONE;
  });
});
