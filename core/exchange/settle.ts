/**
 * A settlement plan made into the AgencyTransaction the chain checks: each client's inputs (its
 * order's), what it gets and its change; the agent's fee (in the value asset, what the clients
 * agreed to) as an output to the agent; the byte fee paid from the agent's own AntCoin (whitepaper
 * 1.5.3: clients need none); the split order when one order is filled in part. Signed by the agent.
 */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { formatFixed8 } from '../encoding/primitives.ts';
import type { Ledger } from '../state/ledger.ts';
import { outpointKey } from '../state/keys.ts';
import { byteFee, type NetworkSettings } from '../state/settings.ts';
import type { TransactionInput, TransactionOutput } from '../tx/io.ts';
import type { Signer } from '../tx/sign.ts';
import { encodeTransaction, signTransaction, transactionHash, type Transaction } from '../tx/transaction.ts';
import { ANTCOIN_ID } from '../block/genesis.ts';
import { exchangeError } from './errors.ts';
import { feeOn, valueOf } from './grid.ts';
import type { SettlementPlan } from './auction.ts';
import type { BookEntry } from './book.ts';

/** A settlement ready to send, and what the book needs once it is in a block. */
export interface Settlement {
  readonly tx: Transaction;
  readonly hash: Uint8Array;
  readonly plan: SettlementPlan;
  /** The split order it leaves, and the outputs (of this transaction, to its client) that a continuation spends. */
  readonly split?: { readonly from: BookEntry; readonly amount: bigint; readonly inputs: readonly TransactionInput[] };
  /** The agent's fee in it (value asset), and the byte fee it pays (AntCoin). */
  readonly agentFee: bigint;
  readonly byteFee: bigint;
}

export interface SettleParams {
  readonly settings: NetworkSettings;
  readonly agent: Signer & { readonly scriptHash: Uint8Array };
  readonly feeBps: number;
  /** One of the agent's AntCoin outputs, unspent and reserved for this settlement. */
  readonly coin: { readonly input: TransactionInput; readonly value: bigint };
}

/** Builds and signs the AgencyTransaction of `plan` at the ledger's tip. */
export function buildSettlement(plan: SettlementPlan, ledger: Ledger, params: SettleParams): Settlement {
  const first = plan.fills[0].entry;
  const { assetId, valueAssetId, valueUnit } = first.pair;
  const p = plan.price;
  const outputs: TransactionOutput[] = [];
  const add = (asset: Uint8Array, value: bigint, to: Uint8Array) => {
    if (value > 0n) outputs.push({ assetId: asset, value, scriptHash: to });
  };
  let agentFee = 0n;
  let split: Settlement['split'];
  const splitOutput: { index: number }[] = [];
  for (const { entry, units } of plan.fills) {
    let assetIn = 0n;
    let valueIn = 0n;
    for (const input of entry.inputs) {
      const u = ledger.utxos.get(outpointKey(input.prevHash, input.prevIndex));
      if (!u) throw exchangeError('EXCHANGE_INPUT_SPENT', 'an output an order spends was spent since it entered the book', { order: entry.id });
      if (equalBytes(u.assetId, assetId)) assetIn += u.value;
      else if (equalBytes(u.assetId, valueAssetId)) valueIn += u.value;
      else throw exchangeError('EXCHANGE_INPUT_WRONG_ASSET', 'an order spends an output of neither asset of its pair', { order: entry.id });
    }
    const value = valueOf(units, p);
    const fee = feeOn(value, params.feeBps, valueUnit);
    agentFee += fee;
    const gives = outputs.length;
    if (entry.side === 'buy') {
      add(assetId, assetIn + units, entry.client);
      add(valueAssetId, valueIn - value - fee, entry.client);
    } else {
      add(valueAssetId, valueIn + value - fee, entry.client);
      add(assetId, assetIn - units, entry.client);
    }
    if (entry === plan.partial) {
      const remainder = entry.units - units;
      // What a continuation spends: the client's change of what its side gives (a seller's units, a buyer's currency).
      const change = entry.side === 'buy' ? valueAssetId : assetId;
      for (let i = gives; i < outputs.length; i++) if (equalBytes(outputs[i].assetId, change)) splitOutput.push({ index: i });
      split = { from: entry, amount: entry.side === 'buy' ? remainder : -remainder, inputs: [] };
    }
  }
  add(valueAssetId, agentFee, params.agent.scriptHash);
  const orders = plan.fills.map(({ entry }) => ({ amount: entry.amount, price: entry.price, client: entry.client, inputs: [...entry.inputs], witnesses: [...entry.witnesses] }));
  const splitOrder = split && { amount: split.amount, price: split.from.price, client: split.from.client };
  const make = (change: bigint): Transaction => signTransaction({
    type: 'AgencyTransaction', version: 0, assetId, valueAssetId, agent: params.agent.scriptHash, orders, splitOrder,
    attributes: [], inputs: [params.coin.input], witnesses: [],
    outputs: [...outputs, { assetId: ANTCOIN_ID, value: change, scriptHash: params.agent.scriptHash }],
  } as Transaction, [params.agent]);
  const fee = byteFee(params.settings, 'AgencyTransaction', encodeTransaction(make(params.coin.value)).length);
  if (params.coin.value <= fee) {
    throw exchangeError('EXCHANGE_UNDERFUNDED', `the agent's AntCoin output holds ${formatFixed8(params.coin.value)}; this settlement's byte fee is ${formatFixed8(fee)}`, { agent: bytesToHex(params.agent.scriptHash) });
  }
  const tx = make(params.coin.value - fee);
  const hash = transactionHash(tx);
  if (split) split = { ...split, inputs: splitOutput.map(({ index }) => ({ prevHash: hash, prevIndex: index })) };
  return { tx, hash, plan, split, agentFee, byteFee: fee };
}
