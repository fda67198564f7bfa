import { beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError, bytesToHex, parseFixed8 } from '../core/encoding/index.ts';
import { signOrder, signTransaction, type Order, type Transaction } from '../core/tx/index.ts';
import { evaluateShareTransfer } from '../core/state/compliance.ts';
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
const buyer2 = account();

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
      { assetId: usd, value: 1000n * U, scriptHash: buyer2.scriptHash },
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

  it('fills a standing split order later without the client, exactly as it stands and only once (docs/protocol.md, "Split orders")', async () => {
    // The partial fill above left the seller's remainder standing: 10 GOLD at 4 USD.
    const standing = [...net.ledger.splits.entries()];
    expect(standing).toHaveLength(1);
    const [from, split] = standing[0];
    expect(split.amount).toBe(-10n * U);
    expect(split.price).toBe(4n * U);
    // The seller's outputs of that transaction: its GOLD change (90) is what the continuation spends.
    const sellerOut = net.ledger.unspent(seller.scriptHash, gold).find((u) => bytesToHex(u.txHash) === from)!;
    expect(sellerOut.output.value).toBe(90n * U);
    const continuation = (c: Partial<{ amount: bigint; price: bigint; inputs: { prevHash: Uint8Array; prevIndex: number }[] }> = {}) => ({
      amount: c.amount ?? -10n * U, price: c.price ?? 4n * U, client: seller.scriptHash,
      inputs: c.inputs ?? [{ prevHash: sellerOut.txHash, prevIndex: sellerOut.index }], witnesses: [],
    });
    const usdIn = net.ledger.unspent(buyer2.scriptHash, usd)[0];
    const settleWith = (o: ReturnType<typeof continuation>, units = 10n * U, signer = agent, sellerHas = sellerOut.output.value) => {
      const buy = signOrder({ assetId: gold, valueAssetId: usd, agent: signer.scriptHash, amount: units, price: 5n * U, client: buyer2.scriptHash, inputs: [{ prevHash: usdIn.txHash, prevIndex: usdIn.index }] }, { script: buyer2.script, keys: [buyer2.key] });
      const fee = coin(signer);
      const sold = units;
      const paid = (sold * 4n * U) / U;
      return signTransaction({
        type: 'AgencyTransaction', version: 0, assetId: gold, valueAssetId: usd, agent: signer.scriptHash,
        orders: [{ amount: buy.amount, price: buy.price, client: buy.client, inputs: buy.inputs, witnesses: buy.witnesses }, o],
        splitOrder: sold < 10n * U ? { amount: -(10n * U - sold), price: 4n * U, client: seller.scriptHash } : undefined,
        attributes: [], inputs: [fee.input], witnesses: [],
        outputs: [
          { assetId: gold, value: sold, scriptHash: buyer2.scriptHash },
          { assetId: usd, value: usdIn.output.value - paid, scriptHash: buyer2.scriptHash },
          { assetId: usd, value: paid, scriptHash: seller.scriptHash },
          { assetId: gold, value: sellerHas - sold, scriptHash: seller.scriptHash },
          { assetId: ANTCOIN_ID, value: fee.value - FEE, scriptHash: signer.scriptHash },
        ],
      } as Transaction, [{ script: signer.script, keys: [signer.key] }]);
    };
    // Not as it stands: another price, another amount; another agent's settlement.
    expect(await code(settleWith(continuation({ price: 3n * U })))).toBe('AGENCY_NOT_A_CONTINUATION');
    expect(await code(settleWith(continuation({ amount: -9n * U }), 9n * U))).toBe('AGENCY_NOT_A_CONTINUATION');
    const other = account();
    await step(net, [transfer(net, net.holder, other.scriptHash, ANTCOIN_ID, 1n * U, FEE)]);
    expect(await code(settleWith(continuation(), 10n * U, other))).toBe('AGENCY_NOT_A_CONTINUATION');
    // An order without a signature spending outputs of a transaction that left no split order
    // (GOLD issued to the seller): refused.
    const c = coin(issuer);
    const issue = signTransaction({
      type: 'IssueTransaction', version: 0, attributes: [], witnesses: [], inputs: [c.input],
      outputs: [{ assetId: gold, value: 20n * U, scriptHash: seller.scriptHash }, { assetId: ANTCOIN_ID, value: c.value - FEE, scriptHash: issuer.scriptHash }],
    }, [{ script: issuer.script, keys: [issuer.key] }]);
    await step(net, [issue]);
    const plain = { prevHash: transactionHash(issue), prevIndex: 0 };
    expect(await code(settleWith(continuation({ inputs: [plain] }), 10n * U, agent, 20n * U))).toBe('AGENCY_NOT_A_CONTINUATION');
    // Nor one mixing the split order's outputs with others.
    expect(await code(settleWith(continuation({ inputs: [{ prevHash: sellerOut.txHash, prevIndex: sellerOut.index }, plain] }), 10n * U, agent, 110n * U))).toBe('AGENCY_NOT_A_CONTINUATION');
    // Exactly as it stands: settled without the seller, at its limit or better.
    const tx = settleWith(continuation(), 6n * U);
    expect(await code(tx)).toBe('accepted');
    await step(net, [tx]);
    expect(net.ledger.balance(buyer2.scriptHash, gold)).toBe(6n * U);
    expect(await code(tx)).toBe('TX_INPUT_ALREADY_SPENT'); // only once
    // The continued split order is gone; the new remainder (4) stands in its place.
    const now = [...net.ledger.splits.entries()];
    expect(now).toHaveLength(1);
    expect(now[0][0]).toBe(bytesToHex(transactionHash(tx)));
    expect(now[0][1].amount).toBe(-4n * U);
  });

  it('trades a Share: the buyer\'s signed order is its consent to receive it; the admin still co-signs (whitepaper 1.6)', async () => {
    const c = coin(issuer);
    const reg = signTransaction({
      type: 'RegisterTransaction', version: 0, assetType: 'Share', name: 'ACME', amount: -1n, precision: 0, issuer: issuer.publicKey, admin: issuer.scriptHash,
      attributes: [], witnesses: [], inputs: [c.input], outputs: [{ assetId: ANTCOIN_ID, value: c.value - FEE - net.settings.fees.register, scriptHash: issuer.scriptHash }],
    } as Transaction, [{ script: issuer.script, keys: [issuer.key] }]);
    await step(net, [reg]);
    const acme = transactionHash(reg);
    const c2 = coin(issuer);
    // Issuing a Share needs its receiver's consent too: the seller signs.
    await step(net, [signTransaction({
      type: 'IssueTransaction', version: 0, attributes: [], witnesses: [], inputs: [c2.input],
      outputs: [{ assetId: acme, value: 100n * U, scriptHash: seller.scriptHash }, { assetId: ANTCOIN_ID, value: c2.value - FEE, scriptHash: issuer.scriptHash }],
    }, [{ script: issuer.script, keys: [issuer.key] }, { script: seller.script, keys: [seller.key] }])]);
    const shares = net.ledger.unspent(seller.scriptHash, acme)[0];
    const usdIn = net.ledger.unspent(buyer.scriptHash, usd)[0];
    const terms = { assetId: acme, valueAssetId: usd, agent: agent.scriptHash };
    const buy = signOrder({ ...terms, amount: 10n * U, price: 5n * U, client: buyer.scriptHash, inputs: [{ prevHash: usdIn.txHash, prevIndex: usdIn.index }] }, { script: buyer.script, keys: [buyer.key] });
    const sell = signOrder({ ...terms, amount: -10n * U, price: 5n * U, client: seller.scriptHash, inputs: [{ prevHash: shares.txHash, prevIndex: shares.index }] }, { script: seller.script, keys: [seller.key] });
    const fee = coin(agent);
    const compact = (o: Order) => ({ amount: o.amount, price: o.price, client: o.client, inputs: o.inputs, witnesses: o.witnesses });
    const tx = {
      type: 'AgencyTransaction', version: 0, ...terms, orders: [compact(buy), compact(sell)], attributes: [], inputs: [fee.input], witnesses: [],
      outputs: [
        { assetId: acme, value: 10n * U, scriptHash: buyer.scriptHash },
        { assetId: usd, value: usdIn.output.value - 50n * U, scriptHash: buyer.scriptHash },
        { assetId: usd, value: 50n * U, scriptHash: seller.scriptHash },
        { assetId: acme, value: 90n * U, scriptHash: seller.scriptHash },
        { assetId: ANTCOIN_ID, value: fee.value - FEE, scriptHash: agent.scriptHash },
      ],
    } as Transaction;
    // Without the admin: refused. With it: the buyer and the seller receive Shares without signing the transaction.
    expect(await code(signTransaction(tx, [{ script: agent.script, keys: [agent.key] }]))).toBe('TX_NOT_SIGNED');
    // The admin's policy reads the settlement as any transfer: what each account gives and gets.
    expect(evaluateShareTransfer(net.ledger, tx, acme, { allowedHolders: [seller.scriptHash] }, [])).toMatchObject({ approve: false, reasons: [{ code: 'POLICY_HOLDER_NOT_ALLOWED' }] });
    const decision = evaluateShareTransfer(net.ledger, tx, acme, { allowedHolders: [seller.scriptHash, buyer.scriptHash], maxTransferPerYearBps: 2000 }, []);
    expect(decision).toEqual({ approve: true, transfers: [{ from: seller.scriptHash, units: 10n * U, time: net.ledger.tip.timestamp }] });
    const both = signTransaction(tx, [{ script: agent.script, keys: [agent.key] }, { script: issuer.script, keys: [issuer.key] }]);
    expect(await code(both)).toBe('accepted');
    await step(net, [both]);
    expect(net.ledger.balance(buyer.scriptHash, acme)).toBe(10n * U);
  });

  it('settles a full match at a price between the limits', async () => {
    const tx = settle();
    expect(await code(tx)).toBe('accepted');
    await step(net, [tx]);
    expect(net.ledger.balance(buyer.scriptHash, gold)).toBe(20n * U);
  });
});
