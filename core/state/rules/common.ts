/**
 * The rules every transaction follows against the ledger (docs/protocol.md, "Transactions" and
 * "Value rules"): inputs exist and are unspent, outputs are of registered assets in whole units of
 * their precision, value is kept per asset, fees are paid, and everyone who must sign is listed.
 */
import { bytesToHex, hexToBytes } from '../../encoding/bytes.ts';
import { formatFixed8, uintToString } from '../../encoding/primitives.ts';
import { AttributeUsage } from '../../tx/attribute.ts';
import { verificationScriptHex } from '../../tx/transaction.ts';
import type { Utxo } from '../tables.ts';
import { precisionUnit } from '../../tx/register.ts';
import { ANTCOIN_ID } from '../../block/genesis.ts';
import { byteFee, serviceFee } from '../settings.ts';
import { stateError } from '../errors.ts';
import { heightKey } from '../keys.ts';
import type { TxContext } from './context.ts';

const ANTCOIN_HEX = bytesToHex(ANTCOIN_ID);

/** Adds a required signer, with its role (shown when its signature is missing). */
export function requireSigner(ctx: TxContext, scriptHash: Uint8Array, role: string, hex?: string): void {
  const k = hex ?? bytesToHex(scriptHash);
  const s = ctx.signers.get(k);
  if (s) {
    if (!s.roles.includes(role)) s.roles.push(role);
  } else ctx.signers.set(k, { scriptHash, roles: [role] });
}

/**
 * The witnesses are exactly those of the required signers: none missing (TX_NOT_SIGNED, naming
 * who and why) and none extra. Whether each witness verifies needs no ledger and is checked
 * apart, while these rules run.
 */
export function checkSignersPresent(ctx: TxContext): void {
  // Without maps or arrays in the common case (one witness): this runs for every transaction.
  const ws = ctx.tx.witnesses;
  const only = ws.length === 1 ? verificationScriptHex(ws[0].verification) : undefined;
  const present = ws.length > 1 ? new Set(ws.map((w) => verificationScriptHex(w.verification))) : undefined;
  const has = (k: string) => (present ? present.has(k) : k === only);
  let found = 0;
  for (const k of ctx.signers.keys()) if (has(k)) found++;
  if (found < ctx.signers.size) {
    const missing = [...ctx.signers.entries()].filter(([k]) => !has(k)).map(([, s]) => s);
    throw stateError('TX_NOT_SIGNED', `not signed by ${missing.map((m) => `${uintToString(m.scriptHash)} (${m.roles.join(', ')})`).join('; ')}`, {
      missing: missing.map((m) => ({ account: uintToString(m.scriptHash), roles: m.roles })),
    });
  }
  const distinct = present ? present.size : ws.length;
  if (distinct > ctx.signers.size || distinct !== ws.length) {
    const extra = [...(present ?? [only!])].filter((k) => !ctx.signers.has(k)).map((k) => uintToString(hexToBytes(k)));
    throw stateError('TX_WITNESS_UNEXPECTED', 'a witness is of an account that has no reason to sign, or comes twice', { unexpected: extra });
  }
}

/** Resolves the inputs: unspent outputs of the chain, or outputs made elsewhere in the block. */
export function resolveInputs(ctx: TxContext): void {
  ctx.tx.inputs.forEach((input, i) => ctx.spent.push(resolveInput(ctx, input, `${i}`, ctx.spendKeys[i])));
  if (ctx.tx.type === 'AgencyTransaction') {
    let k = ctx.tx.inputs.length;
    ctx.tx.orders.forEach((o, n) => ctx.orderSpent.push(o.inputs.map((input, i) => resolveInput(ctx, input, `order ${n} input ${i}`, ctx.spendKeys[k++]))));
  }
}

function resolveInput(ctx: TxContext, input: { prevHash: Uint8Array; prevIndex: number }, where: string, key: string): Utxo {
  const { ledger, block } = ctx;
  const onChain = ledger.utxos.get(key);
  if (onChain) return onChain;
  const inBlock = block.created.get(key);
  if (inBlock) {
    if (inBlock.miner) throw stateError('BLOCK_SPENDS_OWN_MINER_OUTPUT', "a block cannot spend its own MinerTransaction's outputs", { input: where });
    return inBlock.utxo;
  }
  const txHex = bytesToHex(input.prevHash);
  const known = ledger.txs.get(txHex)?.outputs ?? block.txOutputs.get(txHex);
  const id = `${uintToString(input.prevHash)}:${input.prevIndex}`;
  if (known !== undefined && input.prevIndex < known) throw stateError('TX_INPUT_ALREADY_SPENT', `output ${id} is already spent`, { input: where, output: id });
  throw stateError('TX_INPUT_NOT_FOUND', `output ${id} does not exist`, { input: where, output: id });
}

/** Sums units per asset; checks that each output's asset exists and its value is a whole number of units. */
export function sumFlows(ctx: TxContext): void {
  const flow = (k: string, assetId: Uint8Array) => {
    let f = ctx.flows.get(k);
    if (!f) ctx.flows.set(k, (f = { assetId, inputs: 0n, outputs: 0n }));
    return f;
  };
  for (const s of ctx.spent) flow(s.asset, s.assetId).inputs += s.value;
  for (const list of ctx.orderSpent) for (const s of list) flow(s.asset, s.assetId).inputs += s.value;
  ctx.tx.outputs.forEach((o, i) => {
    const asset = ctx.ledger.assets.get(ctx.outputs[i].asset);
    if (!asset) throw stateError('TX_ASSET_UNKNOWN', `output ${i} is of an asset that is not registered`, { output: i, assetId: uintToString(o.assetId) });
    const unit = precisionUnit(asset.precision);
    if (o.value % unit !== 0n) {
      throw stateError('TX_OUTPUT_PRECISION', `output ${i} is finer than the asset's ${asset.precision} decimals`, {
        output: i, value: formatFixed8(o.value), precision: asset.precision,
      });
    }
    flow(ctx.outputs[i].asset, o.assetId).outputs += o.value;
  });
}

/**
 * Value kept per asset, except what IssueTransactions create (checked by their rule) and
 * AntCoin, which may be destroyed: the destroyed AntCoin pays the service fee (burned) and the
 * byte fee (collected by the block's validators), and must cover both.
 */
export function checkValueAndFees(ctx: TxContext): void {
  for (const [k, f] of ctx.flows) {
    if (k === ANTCOIN_HEX) continue;
    if (ctx.tx.type === 'IssueTransaction' && f.outputs > f.inputs) continue;
    if (f.inputs !== f.outputs) {
      throw stateError('TX_VALUE_UNBALANCED', `asset ${uintToString(f.assetId)}: ${formatFixed8(f.inputs)} in, ${formatFixed8(f.outputs)} out`, {
        assetId: uintToString(f.assetId), inputs: formatFixed8(f.inputs), outputs: formatFixed8(f.outputs),
      });
    }
  }
  const coin = ctx.flows.get(ANTCOIN_HEX) ?? { assetId: ANTCOIN_ID, inputs: 0n, outputs: 0n };
  const destroyed = coin.inputs - coin.outputs;
  if (destroyed < 0n) {
    throw stateError('TX_VALUE_UNBALANCED', `AntCoin: ${formatFixed8(coin.inputs)} in, ${formatFixed8(coin.outputs)} out`, {
      assetId: uintToString(ANTCOIN_ID), inputs: formatFixed8(coin.inputs), outputs: formatFixed8(coin.outputs),
    });
  }
  const service = serviceFee(ctx.ledger.settings, ctx.tx.type);
  const required = service + byteFee(ctx.ledger.settings, ctx.tx.type, ctx.size);
  if (destroyed < required) {
    throw stateError('TX_FEE_TOO_SMALL', `pays ${formatFixed8(destroyed)} AntCoin, needs ${formatFixed8(required)}`, {
      paid: formatFixed8(destroyed), required: formatFixed8(required), serviceFee: formatFixed8(service), size: ctx.size,
    });
  }
  ctx.block.serviceFees += service;
  ctx.block.byteFees += destroyed - service;
}

/**
 * Who must sign, beyond each type's own: the owners of the spent outputs, Script attributes, the
 * receivers of assets that need the receiver's consent (Share, Invoice), and the admin of each
 * Share asset moved (whitepaper 1.6: the admin co-signs equity transfers).
 */
export function collectSigners(ctx: TxContext): void {
  for (const s of ctx.spent) requireSigner(ctx, s.scriptHash, 'owner of a spent output', s.account);
  for (const a of ctx.tx.attributes) if (a.usage === AttributeUsage.Script) requireSigner(ctx, a.data, 'named by a Script attribute');
  // In a settlement of the exchange, a client's order (signed by it, or its split order standing
  // on chain) is its consent to what the settlement gives it: its order names the asset.
  const clients = ctx.tx.type === 'AgencyTransaction' ? new Set(ctx.tx.orders.map((o) => bytesToHex(o.client))) : undefined;
  ctx.tx.outputs.forEach((o, i) => {
    const asset = ctx.ledger.assets.get(ctx.outputs[i].asset);
    if (clients?.has(ctx.outputs[i].account)) return;
    if (asset && (asset.assetType === 'Share' || asset.assetType === 'Invoice')) {
      requireSigner(ctx, o.scriptHash, `receiver of ${asset.assetType} ${uintToString(o.assetId)}`, ctx.outputs[i].account);
    }
  });
  for (const [k, f] of ctx.flows) {
    const asset = ctx.ledger.assets.get(k);
    if (asset?.assetType === 'Share') requireSigner(ctx, asset.admin, `admin of Share ${uintToString(f.assetId)}`);
  }
}

/**
 * Creates the outputs and records the transaction and its history. Runs for every transaction of
 * a block before any spends (a transaction may spend an output made later in its block).
 */
export function applyOutputs(ctx: TxContext): void {
  const { ledger, tx, hash, hashHex, block } = ctx;
  const touched = new Set<string>();
  for (const s of ctx.spent) touched.add(s.account);
  ctx.outputs.forEach((u, i) => {
    ledger.utxos.set(ctx.outputKeys[i], u);
    touched.add(u.account);
  });
  ledger.txs.set(hashHex, { height: block.height, index: ctx.index, outputs: tx.outputs.length });
  const at = `:${heightKey(block.height)}:${ctx.index.toString(16).padStart(6, '0')}`;
  for (const script of touched) ledger.history.set(script + at, { txHash: hash });
}

/** Spends the inputs: the outputs go, and with them any vote they carried or candidacy they backed. */
export function applySpends(ctx: TxContext): void {
  const { ledger } = ctx;
  for (const key of ctx.spendKeys) {
    ledger.utxos.delete(key);
    ledger.votes.delete(key); // a vote lasts while its output is unspent
    if (key.endsWith(':0')) ledger.candidates.delete(key.slice(0, -2)); // spent deposit: candidacy ends
  }
}
