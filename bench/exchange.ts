/**
 * The exchange's engine (issue 17), in one process against a ledger: 1,000 resting sell orders and
 * 1,000 incoming buys, all crossing. Measured: orders an agent accepts per second (every check,
 * both signatures of each order, into the book, one at a time as the agent takes them); the
 * batch's matching alone (clearing price and settlement plans); and orders matched and settled per
 * second (matching, building and signing the settlements, and the ledger's full check of each,
 * signatures included: what every peer then pays). The baseline, measured in the same run: raw
 * P-256 verification with WebCrypto, 64 in flight.
 *
 *   node bench/exchange.ts
 */
import { generatePrivateKey, getPublicKey, sign, SignatureVerifier } from '../core/crypto/index.ts';
import { parseFixed8 } from '../core/encoding/index.ts';
import { signTransaction, type Transaction } from '../core/tx/index.ts';
import { OrderBook, buildSettlement, checkPlacedOrder, clearingPrice, placeOrder, planSettlements, type AgentTerms } from '../core/exchange/index.ts';
import { ANTCOIN_ID, FIXED8_ONE, account, step, testNet, transactionHash, transfer, type Account } from '../test/devnet.ts';
import { fmt, header, line, rate } from './util.ts';

const U = FIXED8_ONE;
const FEE = parseFixed8('0.05');
const N = 1000;

export async function benchExchange(): Promise<void> {
  header('Exchange engine: 1,000 resting sells, 1,000 incoming buys, all crossing (one process, node bench/exchange.ts)');
  // Baseline: raw verification in this run.
  const keys = Array.from({ length: 64 }, () => generatePrivateKey());
  const items = Array.from({ length: 4000 }, (_, i) => {
    const message = new Uint8Array(200).map((_, j) => (i + j) & 0xff);
    return { signature: sign(message, keys[i % 64]), message, publicKey: getPublicKey(keys[i % 64]) };
  });
  const verifier = new SignatureVerifier();
  const raw = await rate(items.length, () => verifier.verifyMany(items, 64));

  const net = testNet();
  const issuer = account();
  const agent = account();
  while (net.ledger.balance(net.holder.scriptHash, ANTCOIN_ID) < 30n * U) await step(net);
  await step(net, [transfer(net, net.holder, issuer.scriptHash, ANTCOIN_ID, 8n * U, FEE)]);
  for (let i = 0; i < 8; i++) await step(net, [transfer(net, net.holder, agent.scriptHash, ANTCOIN_ID, 2n * U, FEE)]);
  const register = async (assetType: 'Token' | 'Currency', name: string, precision: number) => {
    const c = net.ledger.unspent(issuer.scriptHash, ANTCOIN_ID)[0];
    const tx = signTransaction({
      type: 'RegisterTransaction', version: 0, assetType, name, amount: -1n, precision, issuer: issuer.publicKey, admin: issuer.scriptHash, attributes: [], witnesses: [],
      inputs: [{ prevHash: c.txHash, prevIndex: c.index }], outputs: [{ assetId: ANTCOIN_ID, value: c.output.value - FEE - net.settings.fees.register, scriptHash: issuer.scriptHash }],
    } as Transaction, [{ script: issuer.script, keys: [issuer.key] }]);
    await step(net, [tx]);
    return transactionHash(tx);
  };
  const gold = await register('Token', 'GOLD', 0);
  const cny = await register('Currency', 'CNY', 2);
  const sellers: Account[] = Array.from({ length: N }, () => account());
  const buyers: Account[] = Array.from({ length: N }, () => account());
  const issue = async (assetId: Uint8Array, to: Account[], each: bigint) => {
    const c = net.ledger.unspent(issuer.scriptHash, ANTCOIN_ID)[0];
    await step(net, [signTransaction({
      type: 'IssueTransaction', version: 0, attributes: [], witnesses: [], inputs: [{ prevHash: c.txHash, prevIndex: c.index }],
      outputs: [...to.map((a) => ({ assetId, value: each, scriptHash: a.scriptHash })), { assetId: ANTCOIN_ID, value: c.output.value - U, scriptHash: issuer.scriptHash }],
    }, [{ script: issuer.script, keys: [issuer.key] }])]);
  };
  await issue(gold, sellers, 100n * U);
  await issue(cny, buyers, 1000n * U);

  const terms: AgentTerms = { magic: net.settings.magic, agent: agent.scriptHash, feeBps: 10 };
  const order = (who: Account, side: 'buy' | 'sell', i: number) => {
    const u = net.ledger.unspent(who.scriptHash, side === 'sell' ? gold : cny)[0];
    const units = BigInt(1 + (i % 10)) * U;
    // Sells at 4.90-4.99, buys at 5.10-5.19: every pair crosses, the fee included.
    const price = (side === 'sell' ? 490n + BigInt(i % 10) : 510n + BigInt(i % 10)) * (U / 100n);
    return placeOrder({ assetId: gold, valueAssetId: cny, agent: agent.scriptHash, amount: side === 'buy' ? units : -units, price, client: who.scriptHash, inputs: [{ prevHash: u.txHash, prevIndex: u.index }] },
      { script: who.script, keys: [who.key] }, { magic: net.settings.magic, expires: net.ledger.height + 100, maxFeeBps: 10 });
  };
  const placed = [...sellers.map((a, i) => order(a, 'sell', i)), ...buyers.map((a, i) => order(a, 'buy', i))];

  let book = new OrderBook();
  const accept = async () => {
    book = new OrderBook();
    for (const p of placed) book.add(await checkPlacedOrder(p, net.ledger, terms, verifier));
  };
  const accepted = await rate(placed.length, accept, 2);
  const pair = book.pairs()[0];
  const { bids, asks } = book.sides(pair.key);
  let plans: ReturnType<typeof planSettlements> = [];
  const matched = await rate(placed.length, () => {
    const c = clearingPrice(bids, asks, terms.feeBps, pair.grid)!;
    plans = planSettlements(bids, asks, c, terms.feeBps, 90_000);
  });
  const filled = plans.reduce((a, p) => a + p.fills.length, 0);
  const coins = net.ledger.unspent(agent.scriptHash, ANTCOIN_ID);
  if (coins.length < plans.length) throw new Error(`bench: ${plans.length} settlements, ${coins.length} agent outputs`);
  const settled = await rate(filled, async () => {
    const c = clearingPrice(bids, asks, terms.feeBps, pair.grid)!;
    const ps = planSettlements(bids, asks, c, terms.feeBps, 90_000);
    const txs = ps.map((plan, i) => buildSettlement(plan, net.ledger, {
      settings: net.settings, agent: { script: agent.script, keys: [agent.key], scriptHash: agent.scriptHash }, feeBps: terms.feeBps,
      coin: { input: { prevHash: coins[i].txHash, prevIndex: coins[i].index }, value: coins[i].output.value },
    }).tx);
    await Promise.all(txs.map((tx) => net.ledger.checkTransaction(tx, verifier)));
  }, 2);
  line('raw P-256 verify, WebCrypto, 64 in flight (baseline)', `${fmt(raw)}/s`, '(node bench/exchange.ts)');
  line('orders accepted by an agent (every check, 2 signatures each)', `${fmt(accepted)}/s`, `${(accepted / raw).toFixed(2)} x baseline; one at a time, as an agent takes them (node bench/exchange.ts)`);
  line('batch matching alone (clearing price and plans)', `${fmt(matched)} orders/s`, `${(matched / raw).toFixed(1)} x baseline (node bench/exchange.ts)`);
  line('orders matched and settled (built, signed, checked by the ledger)', `${fmt(settled)}/s`, `${(settled / raw).toFixed(2)} x baseline; ${filled} orders in ${plans.length} settlements of at most 90 KB (node bench/exchange.ts)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchExchange();
