/**
 * An exchange agent as a peer, over real libp2p on loopback (issue 17): orders placed from another
 * node's peer, the batch after each block, the settlement paid by the agent, the split order
 * standing and filled a block later without its client, the book signed and fetched, read back
 * after a restart, a cancel, an expiry; garbage bans its sender and a flood is cut off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError, bytesToHex, parseFixed8 } from '../core/encoding/index.ts';
import { encodeBlock } from '../core/block/index.ts';
import { signTransaction, type Transaction } from '../core/tx/index.ts';
import { MemoryStore } from '../core/store/memory.ts';
import { Node } from '../core/node/node.ts';
import { Agent } from '../core/node/agent.ts';
import { ORDER_CANCEL, ORDER_PLACE, fetchBook, orderProtocolOf, sendOrder } from '../core/p2p/orders.ts';
import { CancelOrder, PlacedOrder, cancelOrder, placeOrder, placedOrderHash, readBook } from '../core/exchange/index.ts';
import { ANTCOIN_ID, FIXED8_ONE, account, signBlock, testNet, transactionHash, transfer, type Account, type TestNet } from './devnet.ts';
import { keyOf } from './history.ts';
import { until } from './helpers.ts';

const U = FIXED8_ONE;
const FEE = parseFixed8('0.05');
const LISTEN = ['/ip4/127.0.0.1/tcp/0/ws'];
let net: TestNet;
let a: Node; // the agent's node
let b: Node; // the clients' node
const others: Node[] = [];
let agent: Agent;
const agentStore = new MemoryStore();
const agentKey = account();
const issuer = account();
const [alice, bob, dave] = [account(), account(), account()];
let gold: Uint8Array;
let cny: Uint8Array;

/** The validators' part, done by the test: the next block over a's pool, signed, published by a. */
async function produce(): Promise<void> {
  const ledger = a.chain.ledger;
  const unsigned = ledger.prepareBlock({ transactions: a.mempool.transactions(), timestamp: ledger.tip.timestamp + 2, consensusData: BigInt(ledger.height * 31 + 7) });
  await a.publishBlock(encodeBlock(signBlock(unsigned, ledger.nextValidators(), net.keys)));
  await until(`block ${a.height} at b`, () => b.height === a.height);
}

async function settle(txs: Transaction[]): Promise<void> {
  for (const tx of txs) await a.submit(tx);
  await produce();
}

function signed(tx: Transaction, who: Account): Transaction {
  return signTransaction(tx, [{ script: who.script, keys: [who.key] }]);
}

beforeAll(async () => {
  net = testNet(4, keyOf(17));
  a = await Node.start({ settings: net.settings, store: new MemoryStore(), listen: LISTEN });
  b = await Node.start({ settings: net.settings, store: new MemoryStore(), listen: LISTEN, bootstrap: a.peer.addresses() });
  await until('the block mesh', () => a.peer.node.services.pubsub.getSubscribers(a.peer.topics.blocks).length > 0);
  const ledger = () => ({ ...net, ledger: a.chain.ledger });
  // AntCoin comes with blocks (whitepaper 5.2.5): enough of them for the holder to fund the test.
  while (a.chain.ledger.balance(net.holder.scriptHash, ANTCOIN_ID) < 13n * U) await produce();
  await settle([transfer(ledger(), net.holder, issuer.scriptHash, ANTCOIN_ID, 8n * U, FEE)]);
  await settle([transfer(ledger(), net.holder, agentKey.scriptHash, ANTCOIN_ID, 4n * U, FEE)]);
  const register = (assetType: 'Token' | 'Currency', name: string, precision: number) => {
    const c = a.chain.ledger.unspent(issuer.scriptHash, ANTCOIN_ID)[0];
    return signed({
      type: 'RegisterTransaction', version: 0, assetType, name, amount: -1n, precision, issuer: issuer.publicKey, admin: issuer.scriptHash,
      attributes: [], witnesses: [], inputs: [{ prevHash: c.txHash, prevIndex: c.index }],
      outputs: [{ assetId: ANTCOIN_ID, value: c.output.value - FEE - net.settings.fees.register, scriptHash: issuer.scriptHash }],
    } as Transaction, issuer);
  };
  const g = register('Token', 'GOLD', 0);
  await settle([g]);
  const c = register('Currency', 'CNY', 2);
  await settle([c]);
  gold = transactionHash(g);
  cny = transactionHash(c);
  const coin = a.chain.ledger.unspent(issuer.scriptHash, ANTCOIN_ID)[0];
  await settle([signed({
    type: 'IssueTransaction', version: 0, attributes: [], witnesses: [], inputs: [{ prevHash: coin.txHash, prevIndex: coin.index }],
    outputs: [
      { assetId: gold, value: 100n * U, scriptHash: alice.scriptHash },
      ...[bob, dave].flatMap((who) => [0, 1, 2].map(() => ({ assetId: cny, value: 1000n * U, scriptHash: who.scriptHash }))),
      { assetId: ANTCOIN_ID, value: coin.output.value - FEE, scriptHash: issuer.scriptHash },
    ],
  }, issuer)]);
  agent = await Agent.start({ node: a, key: agentKey.key, feeBps: 10, store: agentStore });
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await Promise.all([a, b, ...others].map((n) => n?.stop()));
});

/** An order of `who` placed through b's peer: the agent's answer (its id), or its coded refusal. */
async function place(who: Account, side: 'buy' | 'sell', units: bigint, price: string, expiresIn = 50): Promise<{ id: string; bytes: Uint8Array }> {
  const spent = new Set(agent.book.entries().flatMap((e) => e.spends));
  const u = b.chain.ledger.unspent(who.scriptHash, side === 'sell' ? gold : cny).find((x) => !spent.has(`${bytesToHex(x.txHash)}:${x.index}`))!;
  const p = placeOrder({
    assetId: gold, valueAssetId: cny, agent: agent.scriptHash, amount: side === 'buy' ? units : -units, price: parseFixed8(price), client: who.scriptHash,
    inputs: [{ prevHash: u.txHash, prevIndex: u.index }],
  }, { script: who.script, keys: [who.key] }, { magic: net.settings.magic, expires: b.height + expiresIn, maxFeeBps: 10 });
  const bytes = PlacedOrder.encode(p);
  const id = await sendOrder(b.peer, net.settings.magic, a.peer.id, ORDER_PLACE, bytes);
  expect(id).toBe(bytesToHex(placedOrderHash(p)));
  return { id, bytes };
}

describe('an agent on the network', () => {
  it('is announced, signed, to the other peers', async () => {
    await until('b hears the agent', () => b.agents().some((x) => bytesToHex(x.publicKey) === bytesToHex(agent.publicKey)), 20_000);
    const heard = b.agents()[0];
    expect(heard.feeBps).toBe(10);
    expect(heard.peer).toBe(a.peer.id);
  });

  it('Alice sells 10 at 5.00, Bob buys 6 at 5.20: one settlement after the next block, paid by the agent; 4 stand as the split order, filled a block later for Dave without Alice', { timeout: 60_000 }, async () => {
    const coins = a.chain.ledger.balance(agent.scriptHash, ANTCOIN_ID);
    const aliceOrder = await place(alice, 'sell', 10n * U, '5.00');
    await place(bob, 'buy', 6n * U, '5.20');
    expect(agent.book.size).toBe(2);
    await produce(); // the batch runs after this block; its settlement waits in the pool
    await until('the settlement in the pool', () => agent.pending === 1);
    await produce(); // ... and is in this one
    await until('the settlement accounted for', () => agent.pending === 0 && agent.book.size === 1);
    expect(b.chain.ledger.balance(bob.scriptHash, gold)).toBe(6n * U);
    expect(b.chain.ledger.balance(alice.scriptHash, gold)).toBe(94n * U);
    // Alice got 6 x 5.01 less the 0.1% fee (30.06 - 0.03); Bob paid 30.06 + 0.03.
    expect(b.chain.ledger.balance(alice.scriptHash, cny)).toBe(parseFixed8('30.03'));
    expect(b.chain.ledger.balance(bob.scriptHash, cny)).toBe(3000n * U - parseFixed8('30.09'));
    expect(b.chain.ledger.balance(agent.scriptHash, cny)).toBe(parseFixed8('0.06'));
    // The agent paid the chain's fee (its AntCoin went down); the clients hold none and paid none.
    expect(b.chain.ledger.balance(agent.scriptHash, ANTCOIN_ID)).toBeLessThan(coins);
    expect(b.chain.ledger.balance(alice.scriptHash, ANTCOIN_ID)).toBe(0n);
    const split = agent.book.entries()[0];
    expect(split.id.startsWith('split:')).toBe(true);
    expect(split.origin).toBe(aliceOrder.id);
    expect(split.amount).toBe(-4n * U);

    // The book, fetched by another peer and checked against the agent's key.
    const book = await readBook(await fetchBook(b.peer, net.settings.magic, a.peer.id), agent.publicKey, net.settings.magic);
    expect(book.splits).toHaveLength(1);
    expect(book.settlements).toHaveLength(1);
    expect(book.settlements[0].price).toBe(parseFixed8('5.01'));

    // Restarted, the agent reads its book back: the split order stands.
    await agent.stop();
    agent = await Agent.start({ node: a, key: agentKey.key, feeBps: 10, store: agentStore });
    expect(agent.book.entries().map((e) => e.id)).toEqual([split.id]);

    await place(dave, 'buy', 4n * U, '5.10');
    await produce();
    await until('the second settlement in the pool', () => agent.pending === 1);
    await produce();
    await until('the second settlement accounted for', () => agent.pending === 0 && agent.book.size === 0);
    expect(b.chain.ledger.balance(dave.scriptHash, gold)).toBe(4n * U);
    expect(b.chain.ledger.balance(alice.scriptHash, gold)).toBe(90n * U);
  });

  it('a cancel signed by the client takes the order out at once; a forged one is refused; an expired order is dropped', { timeout: 60_000 }, async () => {
    const { id } = await place(bob, 'buy', 3n * U, '4.00');
    const forged = cancelOrder(Uint8Array.from(Buffer.from(id, 'hex')), agent.scriptHash, { script: dave.script, keys: [dave.key] }, net.settings.magic);
    await expect(sendOrder(b.peer, net.settings.magic, a.peer.id, ORDER_CANCEL, CancelOrder.encode(forged))).rejects.toThrow(expect.objectContaining({ code: 'EXCHANGE_SIGNATURE_INVALID' }));
    expect(agent.book.size).toBe(1);
    const c = cancelOrder(Uint8Array.from(Buffer.from(id, 'hex')), agent.scriptHash, { script: bob.script, keys: [bob.key] }, net.settings.magic);
    expect(await sendOrder(b.peer, net.settings.magic, a.peer.id, ORDER_CANCEL, CancelOrder.encode(c))).toBe(id);
    expect(agent.book.size).toBe(0);
    await expect(sendOrder(b.peer, net.settings.magic, a.peer.id, ORDER_CANCEL, CancelOrder.encode(c))).rejects.toThrow(expect.objectContaining({ code: 'EXCHANGE_ORDER_UNKNOWN' }));

    await place(dave, 'buy', 1n * U, '4.00', 3);
    expect(agent.book.size).toBe(1);
    await produce();
    await produce();
    await until('the expired order dropped', () => agent.book.size === 0);
    // A refused order changes nothing.
    await expect(place(dave, 'buy', 100_000n * U, '5.00')).rejects.toThrow(expect.objectContaining({ code: 'EXCHANGE_UNDERFUNDED' }));
    expect(agent.book.size).toBe(0);
  });

  it('a peer sending garbage is banned; one flooding orders is cut off at the rate limit and dropped', { timeout: 60_000 }, async () => {
    const c = await Node.start({ settings: net.settings, store: new MemoryStore(), listen: LISTEN, bootstrap: a.peer.addresses() });
    others.push(c);
    await until('c connected', () => c.peer.connections().includes(a.peer.id));
    await expect(c.peer.request(a.peer.id, orderProtocolOf(net.settings.magic), 4096, async (io) => {
      await io.write(Uint8Array.of(9, 9, 9));
      return io.read();
    })).rejects.toThrow();
    await until('c banned', () => a.peer.isBanned(c.peer.id));

    const d = await Node.start({ settings: net.settings, store: new MemoryStore(), listen: LISTEN, bootstrap: a.peer.addresses() });
    others.push(d);
    await until('d connected', () => d.peer.connections().includes(a.peer.id));
    const junk = PlacedOrder.encode(placeOrder({
      assetId: gold, valueAssetId: cny, agent: agent.scriptHash, amount: U, price: parseFixed8('5.00'), client: dave.scriptHash, inputs: [{ prevHash: new Uint8Array(32), prevIndex: 0 }],
    }, { script: dave.script, keys: [dave.key] }, { magic: net.settings.magic, expires: b.height + 10, maxFeeBps: 10 }));
    // Four at a time (the most requests a peer may have open at once), as fast as answered.
    let coded = 0;
    let refused = 0;
    for (let sent = 0; sent < 400 && !a.peer.isBanned(d.peer.id); sent += 4) {
      const answers = await Promise.allSettled(Array.from({ length: 4 }, () => sendOrder(d.peer, net.settings.magic, a.peer.id, ORDER_PLACE, junk)));
      for (const x of answers) {
        if (x.status === 'rejected' && x.reason instanceof ProtocolError && x.reason.code === 'EXCHANGE_INPUT_SPENT') coded++;
        else refused++;
      }
    }
    expect(coded).toBeGreaterThan(50); // answered, with the reason, while within the limit (a burst of 100)
    expect(refused).toBeGreaterThan(0); // then refused
    await until('d banned', () => a.peer.isBanned(d.peer.id));
    expect(agent.book.size).toBe(0);
  });
});
