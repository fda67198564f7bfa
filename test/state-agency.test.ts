import { beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError, parseFixed8 } from '../core/encoding/index.ts';
import { signOrder, signTransaction, type Order, type Transaction } from '../core/tx/index.ts';
import { ANTCOIN_ID, FIXED8_ONE, account, step, testNet, transactionHash, transfer, type Account, type TestNet } from './devnet.ts';

const FEE = parseFixed8('0.02');
const U = FIXED8_ONE;
let net: TestNet;
let gold: Uint8Array;
let usd: Uint8Array;
const issuer = account();
const buyer = account();
const seller = account();
const agent = account();

function coin(from: Account) {
  const c = net.ledger.unspent(from.scriptHash, ANTCOIN_ID)[0];
  return { input: { prevHash: c.txHash, prevIndex: c.index }, value: c.output.value };
}

async function register(assetType: 'Token' | 'Currency', name: string, precision: number): Promise<Uint8Array> {
  const c = coin(issuer);
  const reg = signTransaction({
    type: 'RegisterTransaction', version: 0, assetType, name, amount: -1n, precision, issuer: issuer.publicKey, admin: issuer.scriptHash,
    attributes: [], witnesses: [], inputs: [c.input], outputs: [{ assetId: ANTCOIN_ID, value: c.value - FEE - net.settings.fees.register, scriptHash: issuer.scriptHash }],
  } as Transaction, [{ script: issuer.script, keys: [issuer.key] }]);
  await step(net, [reg]);
  return transactionHash(reg);
}

beforeAll(async () => {
  net = testNet();
  await step(net);
  await step(net);
  for (const who of [issuer, agent]) await step(net, [transfer(net, net.holder, who.scriptHash, ANTCOIN_ID, 5n * U, FEE)]);
  gold = await register('Token', 'GOLD', 2);
  usd = await register('Currency', 'USD', 2);
  const c = coin(issuer);
  await step(net, [signTransaction({
    type: 'IssueTransaction', version: 0, attributes: [], witnesses: [], inputs: [c.input],
    outputs: [
      { assetId: gold, value: 100n * U, scriptHash: seller.scriptHash },
      { assetId: usd, value: 1000n * U, scriptHash: buyer.scriptHash },
      { assetId: ANTCOIN_ID, value: c.value - FEE, scriptHash: issuer.scriptHash },
    ],
  }, [{ script: issuer.script, keys: [issuer.key] }])]);
});

interface Deal {
  buy?: { amount: bigint; price: bigint };
  sell?: { amount: bigint; price: bigint };
  /** Units the buyer gets, value the buyer pays, value the seller gets. */
  units?: bigint;
  buyerPays?: bigint;
  sellerGets?: bigint;
  split?: { amount: bigint; price: bigint; client: Uint8Array };
  valueAsset?: Uint8Array;
  agentSigns?: boolean;
  tamper?: (o: Order) => Order;
}

/** Both clients sign their orders; the agent settles them (and pays the fee). */
function settle(d: Deal = {}): Transaction {
  const buy = d.buy ?? { amount: 10n * U, price: 5n * U };
  const sell = d.sell ?? { amount: -10n * U, price: 4n * U };
  const units = d.units ?? 10n * U;
  const buyerPays = d.buyerPays ?? 45n * U;
  const sellerGets = d.sellerGets ?? buyerPays;
  const valueAssetId = d.valueAsset ?? usd;
  const usdIn = net.ledger.unspent(buyer.scriptHash, usd)[0];
  const goldIn = net.ledger.unspent(seller.scriptHash, gold)[0];
  const terms = { assetId: gold, valueAssetId, agent: agent.scriptHash };
  const buyOrder = signOrder({ ...terms, ...buy, client: buyer.scriptHash, inputs: [{ prevHash: usdIn.txHash, prevIndex: usdIn.index }] }, { script: buyer.script, keys: [buyer.key] });
  const sellOrder = signOrder({ ...terms, ...sell, client: seller.scriptHash, inputs: [{ prevHash: goldIn.txHash, prevIndex: goldIn.index }] }, { script: seller.script, keys: [seller.key] });
  const tampered = d.tamper ? d.tamper(buyOrder) : buyOrder;
  const fee = coin(agent);
  const compact = (o: Order) => ({ amount: o.amount, price: o.price, client: o.client, inputs: o.inputs, witnesses: o.witnesses });
  const outputs: Transaction['outputs'] = [
    { assetId: gold, value: units, scriptHash: buyer.scriptHash },
    { assetId: usd, value: usdIn.output.value - buyerPays, scriptHash: buyer.scriptHash },
    { assetId: usd, value: sellerGets, scriptHash: seller.scriptHash },
    { assetId: gold, value: goldIn.output.value - units, scriptHash: seller.scriptHash },
    { assetId: ANTCOIN_ID, value: fee.value - FEE, scriptHash: agent.scriptHash },
  ];
  if (buyerPays > sellerGets) outputs.push({ assetId: usd, value: buyerPays - sellerGets, scriptHash: agent.scriptHash }); // the spread
  const tx: Transaction = {
    type: 'AgencyTransaction', version: 0, ...terms, orders: [compact(tampered), compact(sellOrder)], splitOrder: d.split,
    attributes: [], inputs: [fee.input], outputs, witnesses: [],
  };
  return d.agentSigns === false ? tx : signTransaction(tx, [{ script: agent.script, keys: [agent.key] }]);
}

async function code(tx: Transaction): Promise<string> {
  try {
    await net.ledger.checkTransaction(tx);
    return 'accepted';
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
}

describe('the superconducting exchange (AgencyTransaction)', () => {
  it('refuses what breaks a limit, a signature or the split rule', async () => {
    expect(await code(settle({ buyerPays: 51n * U }))).toBe('AGENCY_PRICE_VIOLATED');
    expect(await code(settle({ buyerPays: 39n * U }))).toBe('AGENCY_PRICE_VIOLATED');
    expect(await code(settle({ units: 11n * U, buyerPays: 49n * U }))).toBe('AGENCY_OVERFILLED');
    expect(await code(settle({ tamper: (o) => ({ ...o, price: 6n * U }) }))).toBe('ORDER_WITNESS_INVALID');
    expect(await code(settle({ agentSigns: false }))).toBe('TX_NOT_SIGNED');
    expect(await code(settle({ sell: { amount: -20n * U, price: 4n * U } }))).toBe('AGENCY_SPLIT_ORDER_WRONG');
    expect(await code(settle({ split: { amount: -5n * U, price: 4n * U, client: seller.scriptHash } }))).toBe('AGENCY_SPLIT_ORDER_WRONG');
    expect(await code(settle({ valueAsset: gold }))).toBe('TX_AGENCY_SAME_ASSET');
  });

  it('prices only in a currency', async () => {
    const points = await register('Token', 'POINTS', 0);
    expect(await code(settle({ valueAsset: points }))).toBe('AGENCY_VALUE_ASSET_NOT_CURRENCY');
  });

  it('settles a partial fill with its split order, the agent keeping the spread', async () => {
    const tx = settle({ sell: { amount: -20n * U, price: 4n * U }, buyerPays: 46n * U, sellerGets: 45n * U, split: { amount: -10n * U, price: 4n * U, client: seller.scriptHash } });
    expect(await code(tx)).toBe('accepted');
    await step(net, [tx]);
    expect(net.ledger.balance(buyer.scriptHash, gold)).toBe(10n * U);
    expect(net.ledger.balance(buyer.scriptHash, usd)).toBe(954n * U);
    expect(net.ledger.balance(seller.scriptHash, usd)).toBe(45n * U);
    expect(net.ledger.balance(seller.scriptHash, gold)).toBe(90n * U);
    expect(net.ledger.balance(agent.scriptHash, usd)).toBe(1n * U);
  });

  it('settles a full match at a price between the limits', async () => {
    const tx = settle();
    expect(await code(tx)).toBe('accepted');
    await step(net, [tx]);
    expect(net.ledger.balance(buyer.scriptHash, gold)).toBe(20n * U);
  });
});
