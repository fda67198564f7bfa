/**
 * The exchange's engine against the real ledger (issue 17): random books of hundreds of signed
 * orders (random sides, prices, amounts, clients trading both ways) go through the agent's checks
 * and book, one batch auction, and the settlements it builds; every settlement must pass the
 * ledger's own AgencyTransaction rules (signatures included), fill no order beyond its amount or
 * limit, spend disjoint inputs, and, when one settlement holds the batch, leave no crossing pair.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError, bytesToHex, parseFixed8 } from '../core/encoding/index.ts';
import { signTransaction, type Transaction } from '../core/tx/index.ts';
import {
  CancelOrder, OrderBook, PlacedOrder, audit, buildSettlement, signBook, buyerMax, cancelOrder, checkPlacedOrder, clearingPrice, decodeCancel, decodePlacedOrder, feeOn, placeOrder,
  orderFor, placedOrderHash, planSettlements, quote, sellerMin, valueOf, verifyCancel, type AgentTerms, type BookEntry,
} from '../core/exchange/index.ts';
import { ANTCOIN_ID, FIXED8_ONE, account, step, testNet, transactionHash, transfer, type Account, type TestNet } from './devnet.ts';

const U = FIXED8_ONE;
const FEE = parseFixed8('0.02');
const CLIENTS = 240;
let net: TestNet;
let gold: Uint8Array;
let cny: Uint8Array;
const issuer = account();
const agent = account();
const clients: Account[] = Array.from({ length: CLIENTS }, () => account());

async function register(assetType: 'Token' | 'Currency', name: string, precision: number): Promise<Uint8Array> {
  const c = net.ledger.unspent(issuer.scriptHash, ANTCOIN_ID)[0];
  const reg = signTransaction({
    type: 'RegisterTransaction', version: 0, assetType, name, amount: -1n, precision, issuer: issuer.publicKey, admin: issuer.scriptHash,
    attributes: [], witnesses: [], inputs: [{ prevHash: c.txHash, prevIndex: c.index }],
    outputs: [{ assetId: ANTCOIN_ID, value: c.output.value - FEE - net.settings.fees.register, scriptHash: issuer.scriptHash }],
  } as Transaction, [{ script: issuer.script, keys: [issuer.key] }]);
  await step(net, [reg]);
  return transactionHash(reg);
}

async function issue(assetId: Uint8Array, each: bigint): Promise<void> {
  const c = net.ledger.unspent(issuer.scriptHash, ANTCOIN_ID)[0];
  await step(net, [signTransaction({
    type: 'IssueTransaction', version: 0, attributes: [], witnesses: [], inputs: [{ prevHash: c.txHash, prevIndex: c.index }],
    outputs: [...clients.map((a) => ({ assetId, value: each, scriptHash: a.scriptHash })), { assetId: ANTCOIN_ID, value: c.output.value - U / 2n, scriptHash: issuer.scriptHash }],
  }, [{ script: issuer.script, keys: [issuer.key] }])]);
}

beforeAll(async () => {
  net = testNet();
  await step(net);
  await step(net, [transfer(net, net.holder, issuer.scriptHash, ANTCOIN_ID, 8n * U, FEE)]);
  // The agent's AntCoin, in several outputs: one per settlement of a batch.
  for (let i = 0; i < 8; i++) await step(net, [transfer(net, net.holder, agent.scriptHash, ANTCOIN_ID, 2n * U, FEE)]);
  gold = await register('Token', 'GOLD', 0); // whole units
  cny = await register('Currency', 'CNY', 2); // fen: the grid's tick is 0.01
  await issue(gold, 1000n * U);
  await issue(cny, 100_000n * U);
}, 120_000);

const order = fc.record({
  client: fc.integer({ min: 0, max: CLIENTS - 1 }),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  units: fc.integer({ min: 1, max: 120 }),
  /** Price in fen, around 5.00 CNY so that books cross. */
  fen: fc.integer({ min: 440, max: 560 }),
});

/** Places every order (one per client and side), through the agent's checks, into a fresh book. */
async function bookOf(orders: { client: number; side: 'buy' | 'sell'; units: number; fen: number }[], terms: AgentTerms): Promise<OrderBook> {
  const book = new OrderBook();
  const seen = new Set<string>();
  for (const o of orders) {
    if (seen.has(`${o.client}${o.side}`)) continue;
    seen.add(`${o.client}${o.side}`);
    const who = clients[o.client];
    const gives = o.side === 'sell' ? gold : cny;
    const u = net.ledger.unspent(who.scriptHash, gives)[0];
    const units = BigInt(o.units) * U;
    const placed = placeOrder({
      assetId: gold, valueAssetId: cny, agent: agent.scriptHash, amount: o.side === 'buy' ? units : -units, price: BigInt(o.fen) * (U / 100n), client: who.scriptHash,
      inputs: [{ prevHash: u.txHash, prevIndex: u.index }],
    }, { script: who.script, keys: [who.key] }, { magic: net.settings.magic, expires: net.ledger.height + 100, maxFeeBps: terms.feeBps });
    try {
      book.add(await checkPlacedOrder(placed, net.ledger, terms));
    } catch (e) {
      // A client's own buy and sell never cross in the book: the second is refused.
      if (!(e instanceof ProtocolError && e.code === 'EXCHANGE_SELF_TRADE')) throw e;
      const other = book.standingFor(String(e.data.order))!;
      expect(o.side === 'buy' ? BigInt(o.fen) * (U / 100n) >= other.price : BigInt(o.fen) * (U / 100n) <= other.price).toBe(true);
    }
  }
  return book;
}

async function code(tx: Transaction): Promise<string> {
  try {
    await net.ledger.checkTransaction(tx);
    return 'accepted';
  } catch (e) {
    if (e instanceof ProtocolError) return `${e.code} ${e.message} ${JSON.stringify(e.data)}`;
    throw e;
  }
}

describe('the batch auction and its settlements', () => {
  it('random books: every settlement passes the ledger, no order beyond its amount or limit, inputs disjoint, nothing left crossing', { timeout: 600_000 }, async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(order, { minLength: 2, maxLength: 320, size: 'max' }),
      fc.constantFrom(0, 10, 30),
      fc.constantFrom(90_000, 20_000),
      async (orders, feeBps, budget) => {
        const terms: AgentTerms = { magic: net.settings.magic, agent: agent.scriptHash, feeBps };
        const book = await bookOf(orders, terms);
        const pair = book.pairs()[0];
        if (!pair) return;
        const { bids, asks } = book.sides(pair.key);
        const clearing = clearingPrice(bids, asks, feeBps, pair.grid);
        if (!clearing) {
          // Nothing crosses: the best bid (fee added) is below the best ask (fee taken).
          const best = bids.reduce((m, b) => (buyerMax(b.price, feeBps) > m ? buyerMax(b.price, feeBps) : m), 0n);
          expect(asks.every((a) => sellerMin(a.price, feeBps) > best)).toBe(true);
          return;
        }
        expect(clearing.price % pair.grid.tick).toBe(0n);
        const plans = planSettlements(bids, asks, clearing, feeBps, budget);
        if (process.env.DEBUG_EX) console.log(`orders ${orders.length} bids ${bids.length} asks ${asks.length} price ${clearing.price} volume ${clearing.volume} plans ${plans.length} budget ${budget} fee ${feeBps}`);
        expect(plans.length).toBeGreaterThan(0);
        const coins = net.ledger.unspent(agent.scriptHash, ANTCOIN_ID);
        expect(coins.length).toBeGreaterThanOrEqual(plans.length);
        const spent = new Set<string>();
        const filled = new Map<string, bigint>();
        for (const [i, plan] of plans.entries()) {
          const partials = plan.fills.filter((f) => f.units < f.entry.units);
          expect(partials.length).toBeLessThanOrEqual(1);
          const s = buildSettlement(plan, net.ledger, {
            settings: net.settings, agent: { script: agent.script, keys: [agent.key], scriptHash: agent.scriptHash }, feeBps,
            coin: { input: { prevHash: coins[i].txHash, prevIndex: coins[i].index }, value: coins[i].output.value },
          });
          expect(await code(s.tx)).toBe('accepted');
          for (const input of [...s.tx.inputs, ...(s.tx.type === 'AgencyTransaction' ? s.tx.orders.flatMap((o) => o.inputs) : [])]) {
            const k = `${bytesToHex(input.prevHash)}:${input.prevIndex}`;
            expect(spent.has(k)).toBe(false);
            spent.add(k);
          }
          for (const { entry, units } of plan.fills) {
            filled.set(entry.id, (filled.get(entry.id) ?? 0n) + units);
            // Within the limit, the fee included, as the client signed it.
            const value = valueOf(units, clearing.price);
            const fee = feeOn(value, feeBps, pair.valueUnit);
            if (entry.side === 'buy') expect((value + fee) * U).toBeLessThanOrEqual(units * entry.price);
            else expect((value - fee) * U).toBeGreaterThanOrEqual(units * entry.price);
          }
        }
        for (const e of book.entries()) expect(filled.get(e.id) ?? 0n).toBeLessThanOrEqual(e.units);
        const traded = [...filled.entries()].filter(([id]) => book.get(id)!.side === 'buy').reduce((a, [, u]) => a + u, 0n);
        if (plans.length === 1 && budget === 90_000) {
          // One settlement held the whole batch: it traded the auction's volume, and what is left
          // does not cross.
          expect(traded).toBe(clearing.volume);
          const left = (e: BookEntry) => e.units - (filled.get(e.id) ?? 0n) > 0n;
          const restBids = bids.filter(left);
          const restAsks = asks.filter(left);
          for (const b of restBids) {
            for (const a of restAsks) {
              expect(buyerMax(b.price, feeBps) < sellerMin(a.price, feeBps) || buyerMax(b.price, feeBps) < clearing.price || sellerMin(a.price, feeBps) > clearing.price).toBe(true);
            }
          }
        } else {
          expect(traded).toBeLessThanOrEqual(clearing.volume);
        }
      },
    ), { numRuns: Number(process.env.RUNS ?? 12) });
  });
});

/** A placed order of `who` for the test's pair, spending its first output of what its side gives. */
function placed(who: Account, side: 'buy' | 'sell', units: bigint, price: string, change: Partial<{ agent: Uint8Array; expires: number; maxFeeBps: number; magic: number; inputs: { prevHash: Uint8Array; prevIndex: number }[]; valueAssetId: Uint8Array; amount: bigint }> = {}) {
  const u = net.ledger.unspent(who.scriptHash, side === 'sell' ? gold : cny)[0];
  return placeOrder({
    assetId: gold, valueAssetId: change.valueAssetId ?? cny, agent: change.agent ?? agent.scriptHash, amount: change.amount ?? (side === 'buy' ? units : -units), price: parseFixed8(price),
    client: who.scriptHash, inputs: change.inputs ?? [{ prevHash: u.txHash, prevIndex: u.index }],
  }, { script: who.script, keys: [who.key] }, { magic: change.magic ?? net.settings.magic, expires: change.expires ?? net.ledger.height + 50, maxFeeBps: change.maxFeeBps ?? 10 });
}

async function refusal(p: ReturnType<typeof placed>, book = new OrderBook(), terms: AgentTerms = { magic: net.settings.magic, agent: agent.scriptHash, feeBps: 10 }): Promise<string> {
  try {
    book.add(await checkPlacedOrder(p, net.ledger, terms));
    return 'accepted';
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
}

describe('an agent refuses a bad order with a code, and its book does not change', () => {
  it('malformed, unsigned, another network, expired, overspending, wrong agent, double-placed, off the grid, fee not agreed', async () => {
    const [a, b] = [clients[0], clients[1]];
    expect(() => decodePlacedOrder(Uint8Array.of(1, 2, 3))).toThrow(expect.objectContaining({ code: 'EXCHANGE_MALFORMED' }));
    const good = placed(a, 'sell', 5n * U, '5.00');
    expect(decodePlacedOrder(PlacedOrder.encode(good))).toEqual(good);
    // Signatures: the order's (as the chain checks it), then the terms'.
    expect(await refusal({ ...good, order: { ...good.order, price: parseFixed8('4.00') } })).toBe('EXCHANGE_SIGNATURE_INVALID');
    expect(await refusal({ ...good, expires: good.expires + 1 })).toBe('EXCHANGE_SIGNATURE_INVALID');
    expect(await refusal({ ...good, order: { ...good.order, witnesses: [] } })).toBe('EXCHANGE_SIGNATURE_INVALID');
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { magic: 1 }))).toBe('EXCHANGE_SIGNATURE_INVALID');
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { expires: net.ledger.height + 1 }))).toBe('EXCHANGE_ORDER_EXPIRED');
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { expires: net.ledger.height + 200_000 }))).toBe('EXCHANGE_ORDER_TOO_LONG');
    expect(await refusal(placed(a, 'sell', 5000n * U, '5.00'))).toBe('EXCHANGE_UNDERFUNDED');
    expect(await refusal(placed(b, 'buy', 30_000n * U, '5.00'))).toBe('EXCHANGE_UNDERFUNDED'); // 150,000 CNY; it holds 100,000
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { agent: issuer.scriptHash }))).toBe('EXCHANGE_WRONG_AGENT');
    expect(await refusal(placed(a, 'sell', 5n * U, '5.001'))).toBe('EXCHANGE_OFF_GRID');
    expect(await refusal(placed(a, 'sell', U / 2n, '5.00'))).toBe('EXCHANGE_OFF_GRID'); // half a GOLD: whole units here
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { maxFeeBps: 5 }))).toBe('EXCHANGE_FEE_NOT_AGREED');
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { valueAssetId: gold }))).toBe('EXCHANGE_SAME_ASSET');
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { valueAssetId: ANTCOIN_ID.slice().reverse() }))).toBe('EXCHANGE_ASSET_UNKNOWN');
    // Inputs: another's, of the wrong asset, spent or never made, twice.
    const bs = net.ledger.unspent(b.scriptHash, gold)[0];
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { inputs: [{ prevHash: bs.txHash, prevIndex: bs.index }] }))).toBe('EXCHANGE_INPUT_NOT_CLIENTS');
    const ac = net.ledger.unspent(a.scriptHash, cny)[0];
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { inputs: [{ prevHash: ac.txHash, prevIndex: ac.index }] }))).toBe('EXCHANGE_INPUT_WRONG_ASSET');
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { inputs: [{ prevHash: new Uint8Array(32), prevIndex: 0 }] }))).toBe('EXCHANGE_INPUT_SPENT');
    const ag = net.ledger.unspent(a.scriptHash, gold)[0];
    const twice = { prevHash: ag.txHash, prevIndex: ag.index };
    expect(await refusal(placed(a, 'sell', 5n * U, '5.00', { inputs: [twice, twice] }))).toBe('EXCHANGE_INPUT_TWICE');
    // Double-placed: the same order again, or another spending the same output.
    const book = new OrderBook();
    expect(await refusal(good, book)).toBe('accepted');
    expect(await refusal(good, book)).toBe('EXCHANGE_DUPLICATE');
    expect(await refusal(placed(a, 'sell', 6n * U, '5.10'), book)).toBe('EXCHANGE_INPUTS_IN_USE');
    // A client's own buy that would cross its sell.
    expect(await refusal(placed(a, 'buy', 1n * U, '5.20'), book)).toBe('EXCHANGE_SELF_TRADE');
    expect(book.size).toBe(1);
  });

  it('a cancel counts only when the order\'s client signed it', async () => {
    const a = clients[2];
    const p = placed(a, 'sell', 5n * U, '5.00');
    const hash = placedOrderHash(p);
    const c = cancelOrder(hash, agent.scriptHash, { script: a.script, keys: [a.key] }, net.settings.magic);
    await expect(verifyCancel(decodeCancel(CancelOrder.encode(c)), a.scriptHash, net.settings.magic)).resolves.toBeUndefined();
    const forged = cancelOrder(hash, agent.scriptHash, { script: clients[3].script, keys: [clients[3].key] }, net.settings.magic);
    await expect(verifyCancel(forged, a.scriptHash, net.settings.magic)).rejects.toThrow(expect.objectContaining({ code: 'EXCHANGE_SIGNATURE_INVALID' }));
    await expect(verifyCancel(c, a.scriptHash, 7)).rejects.toThrow(expect.objectContaining({ code: 'EXCHANGE_SIGNATURE_INVALID' }));
    expect(() => decodeCancel(new Uint8Array(10))).toThrow(expect.objectContaining({ code: 'EXCHANGE_MALFORMED' }));
  });
});

describe('a partial fill, then its split order filled in a later batch without the client', () => {
  it('sells 10 at 5.00: 6 go to a buyer at 5.20 now (one settlement, the agent paying the chain), the 4 left to another buyer a block later', async () => {
    const [alice, bob, dave] = [clients[10], clients[11], clients[12]];
    const terms: AgentTerms = { magic: net.settings.magic, agent: agent.scriptHash, feeBps: 10 };
    const book = new OrderBook();
    const aliceGold = net.ledger.balance(alice.scriptHash, gold);
    const aliceCny = net.ledger.balance(alice.scriptHash, cny);
    const agentCoin = net.ledger.balance(agent.scriptHash, ANTCOIN_ID);
    book.add(await checkPlacedOrder(placed(alice, 'sell', 10n * U, '5.00'), net.ledger, terms));
    book.add(await checkPlacedOrder(placed(bob, 'buy', 6n * U, '5.20'), net.ledger, terms));
    const batch = async () => {
      const pair = book.pairs()[0];
      const { bids, asks } = book.sides(pair.key);
      const clearing = clearingPrice(bids, asks, terms.feeBps, pair.grid)!;
      const [plan] = planSettlements(bids, asks, clearing, terms.feeBps, 90_000);
      const coin = net.ledger.unspent(agent.scriptHash, ANTCOIN_ID)[0];
      const s = buildSettlement(plan, net.ledger, {
        settings: net.settings, agent: { script: agent.script, keys: [agent.key], scriptHash: agent.scriptHash }, feeBps: terms.feeBps,
        coin: { input: { prevHash: coin.txHash, prevIndex: coin.index }, value: coin.output.value },
      });
      expect(await code(s.tx)).toBe('accepted');
      await step(net, [s.tx]);
      // The agent's book after the block: filled entries out, the split order in.
      for (const f of plan.fills) book.remove(f.entry.id);
      if (s.split) book.addSplit(s.split.from, s.hash, s.split.amount, s.split.inputs);
      expect(book.afterBlock(net.ledger)).toEqual([]);
      return { clearing, s };
    };
    const first = await batch();
    // One price for both sides: of those that trade the most (6), with sellers left over, the
    // lowest: 5.01, Alice's 5.00 with the 0.1% fee taken, rounded up to the fen.
    expect(first.clearing.volume).toBe(6n * U);
    expect(first.clearing.price).toBe(parseFixed8('5.01'));
    expect(net.ledger.balance(bob.scriptHash, gold)).toBe(1000n * U + 6n * U);
    expect(net.ledger.balance(alice.scriptHash, gold)).toBe(aliceGold - 6n * U);
    // Alice's 4 left stand as the split order, on the chain and in the book.
    const standing = book.entries();
    expect(standing).toHaveLength(1);
    expect(standing[0].id).toBe(`split:${bytesToHex(first.s.hash)}`);
    expect(standing[0].amount).toBe(-4n * U);
    expect(net.ledger.splits.get(bytesToHex(first.s.hash))?.amount).toBe(-4n * U);
    // The agent paid the chain's fee from its own AntCoin; the clients paid none.
    expect(net.ledger.balance(agent.scriptHash, ANTCOIN_ID)).toBe(agentCoin - first.s.byteFee);
    // Dave buys 4 at 5.10 a block later: Alice's split order fills without Alice.
    book.add(await checkPlacedOrder(placed(dave, 'buy', 4n * U, '5.10'), net.ledger, terms));
    const second = await batch();
    expect(second.s.split).toBeUndefined();
    expect(book.size).toBe(0);
    expect(net.ledger.balance(dave.scriptHash, gold)).toBe(1000n * U + 4n * U);
    expect(net.ledger.balance(alice.scriptHash, gold)).toBe(aliceGold - 10n * U);
    // Alice got at least her limit (5.00) for each unit, less the agent's fee (0.1%) at most.
    const got = net.ledger.balance(alice.scriptHash, cny) - aliceCny;
    expect(got * 1000n).toBeGreaterThanOrEqual(10n * 5n * U * 999n);
    expect(net.ledger.splits.size).toBe(0);
  });
});

describe('auditing an agent against the chain', () => {
  it('an honest settlement has no finding; one paying the seller less than the clearing price (the agent keeping the rest) is found, as are a fill after a cancel and crossing orders left standing', async () => {
    const [seller, buyer] = [clients[20], clients[21]];
    const terms: AgentTerms = { magic: net.settings.magic, agent: agent.scriptHash, feeBps: 10 };
    const sell = placed(seller, 'sell', 6n * U, '5.00');
    const buy = placed(buyer, 'buy', 6n * U, '5.20');
    const book = new OrderBook();
    book.add(await checkPlacedOrder(sell, net.ledger, terms));
    book.add(await checkPlacedOrder(buy, net.ledger, terms));
    const pair = book.pairs()[0];
    const { bids, asks } = book.sides(pair.key);
    const clearing = clearingPrice(bids, asks, 10, pair.grid)!;
    const [plan] = planSettlements(bids, asks, clearing, 10, 90_000);
    const outputs = new Map<string, { assetId: Uint8Array; value: bigint; scriptHash: Uint8Array }>();
    for (const e of book.entries()) for (const i of e.inputs) outputs.set(`${bytesToHex(i.prevHash)}:${i.prevIndex}`, net.ledger.utxos.get(`${bytesToHex(i.prevHash)}:${i.prevIndex}`)!);
    const coin = net.ledger.unspent(agent.scriptHash, ANTCOIN_ID)[0];
    const params = {
      settings: net.settings, agent: { script: agent.script, keys: [agent.key], scriptHash: agent.scriptHash }, feeBps: 10,
      coin: { input: { prevHash: coin.txHash, prevIndex: coin.index }, value: coin.output.value },
    };
    const honest = buildSettlement(plan, net.ledger, params);
    // The tampered agent pays the seller exactly its limit (5.00 a unit) and keeps the difference.
    const tx = honest.tx as Extract<Transaction, { type: 'AgencyTransaction' }>;
    const sellerGets = valueOf(6n * U, parseFixed8('5.00'));
    const honestGets = tx.outputs.find((o) => bytesToHex(o.scriptHash) === bytesToHex(seller.scriptHash) && bytesToHex(o.assetId) === bytesToHex(cny))!.value;
    const tampered = signTransaction({
      ...tx, witnesses: [],
      outputs: [
        // (the seller's proceeds cut; the agent's AntCoin change less a little: one output more to pay bytes for)
        ...tx.outputs.map((o) => (o.value === honestGets && bytesToHex(o.scriptHash) === bytesToHex(seller.scriptHash) ? { ...o, value: sellerGets }
          : bytesToHex(o.assetId) === bytesToHex(ANTCOIN_ID) ? { ...o, value: o.value - U / 100n } : o)),
        { assetId: cny, value: honestGets - sellerGets, scriptHash: agent.scriptHash },
      ],
    } as Transaction, [{ script: agent.script, keys: [agent.key] }]) as typeof tx;
    expect(await code(tampered)).toBe('accepted'); // the chain's rules allow it: the seller got its limit
    const outputOf = (h: Uint8Array, i: number) => outputs.get(`${bytesToHex(h)}:${i}`);
    const at = net.ledger.height + 1;
    const publish = (settled: typeof tx, extra: Partial<Parameters<typeof signBook>[0]> = {}) => signBook({
      agent: agent.scriptHash, height: at, orders: [], history: [sell, buy], splits: [], cancels: [], settlements: [{ tx: transactionHash(settled), price: clearing.price, height: at }], ...extra,
    }, agent.key, net.settings.magic);
    const check = (settled: typeof tx, book = publish(settled)) => audit({ book, onChain: [{ tx: settled, hash: transactionHash(settled), height: at }], outputOf, feeBps: 10 }).map((f) => f.kind);
    expect(check(tx)).toEqual([]);
    expect(check(tampered)).toEqual(['price']);
    // Settled three blocks after the cancel it published.
    const cancel = cancelOrder(placedOrderHash(sell), agent.scriptHash, { script: seller.script, keys: [seller.key] }, net.settings.magic);
    expect(check(tx, publish(tx, { cancels: [{ height: at - 3, cancel }] }))).toEqual(['after-cancel']);
    // A settlement the book does not list.
    expect(check(tx, publish(tx, { settlements: [] }))).toEqual(['unpublished']);
    // Crossing orders standing for two blocks: a batch should have matched them.
    const standing = publish(tx, { orders: [{ seq: 1, height: at - 2, order: sell }, { seq: 2, height: at - 2, order: buy }], history: [] });
    expect(audit({ book: standing, onChain: [], outputOf, feeBps: 10 }).map((f) => f.kind)).toEqual(['crossing']);
    expect(audit({ book: publish(tx, { orders: [{ seq: 1, height: at, order: sell }, { seq: 2, height: at, order: buy }], history: [], settlements: [] }), onChain: [], outputOf, feeBps: 10 })).toEqual([]);
  });
});

describe("the client's side: an order's inputs, and a quote before signing", () => {
  it('spends the fewest free outputs, never a reserved one; says plainly when it holds too little; quotes what the batch would give now', async () => {
    const who = clients[30];
    const request = { side: 'sell' as const, units: 5n * U, price: parseFixed8('5.00'), assetId: gold, valueAssetId: cny, agent: agent.scriptHash, client: who.scriptHash };
    const { order, spends } = orderFor(net.ledger, request);
    expect(order.inputs).toHaveLength(1);
    expect(order.amount).toBe(-5n * U);
    // Its only GOLD output reserved (a standing order spends it): nothing free to sell.
    expect(() => orderFor(net.ledger, request, new Set(spends))).toThrow(expect.objectContaining({ code: 'EXCHANGE_UNDERFUNDED' }));
    expect(() => orderFor(net.ledger, { ...request, units: 2000n * U })).toThrow(/you have 1000 free to sell; this order sells 2000/);
    expect(() => orderFor(net.ledger, { ...request, price: parseFixed8('5.005') })).toThrow(expect.objectContaining({ code: 'EXCHANGE_OFF_GRID' }));
    expect(() => orderFor(net.ledger, { ...request, side: 'buy', units: 30_000n * U })).toThrow(/may cost 150000/);

    const terms: AgentTerms = { magic: net.settings.magic, agent: agent.scriptHash, feeBps: 10 };
    const book = new OrderBook();
    book.add(await checkPlacedOrder(placed(clients[31], 'sell', 10n * U, '5.00'), net.ledger, terms));
    const mine = book.add(await checkPlacedOrder(placed(clients[32], 'buy', 6n * U, '5.20'), net.ledger, terms));
    book.remove(mine.id);
    const { bids, asks } = book.sides(mine.pair.key);
    const q = quote(bids, asks, mine, 10);
    expect(q.price).toBe(parseFixed8('5.01'));
    expect(q.units).toBe(6n * U);
    expect(q.value).toBe(parseFixed8('30.09')); // 30.06 and the 0.1% fee, rounded down to the fen
    expect(quote([], [], mine, 10)).toEqual({ units: 0n, value: 0n, fee: 0n });
  });
});
