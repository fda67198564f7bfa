/**
 * Orders of the "superconducting" exchange (whitepaper 4.2.2; docs/protocol.md, "Order"): a
 * client signs its order alone, off chain; an agent matches orders and settles them in an
 * AgencyTransaction, where each order appears in compact form (without the fields the
 * transaction already states).
 */
import * as P from 'micro-packed';
import { equalBytes } from '../encoding/bytes.ts';
import { Fixed8, UInt160, UInt256, count, uintToString, varArray } from '../encoding/primitives.ts';
import { hash256 } from '../crypto/hash.ts';
import { sign } from '../crypto/ecdsa.ts';
import { defaultVerifier, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { scriptHash } from '../script/accounts.ts';
import { runWitness } from '../script/vm.ts';
import { TransactionInput, Witness } from './io.ts';
import { MAX_INPUTS, MAX_WITNESSES } from './limits.ts';
import { txError } from './errors.ts';
import { witnessFor, type Signer } from './sign.ts';

const orderFields = {
  assetId: UInt256,
  valueAssetId: UInt256,
  agent: UInt160,
  /** Units of `assetId`: > 0 buys, < 0 sells. */
  amount: Fixed8,
  /** Price in `valueAssetId` per unit, > 0: the client's limit. */
  price: Fixed8,
  client: UInt160,
  inputs: varArray(MAX_INPUTS, TransactionInput),
};

/** An order as its client signs it (without witnesses). */
export const UnsignedOrder = P.struct(orderFields);
/** A signed order, as sent from the client to the agent. */
export const Order = P.struct({ ...orderFields, witnesses: varArray(MAX_WITNESSES, Witness) });
export type Order = P.UnwrapCoder<typeof Order>;

/** An order inside an AgencyTransaction: assetId, valueAssetId and agent come from the transaction. */
export const CompactOrder = P.struct({
  amount: Fixed8,
  price: Fixed8,
  client: UInt160,
  inputs: varArray(MAX_INPUTS, TransactionInput),
  witnesses: varArray(MAX_WITNESSES, Witness),
});
export type CompactOrder = P.UnwrapCoder<typeof CompactOrder>;

/** The remainder of the one partially filled order, sent back to its client. */
export const SplitOrder = P.struct({ amount: Fixed8, price: Fixed8, client: UInt160 });
export type SplitOrder = P.UnwrapCoder<typeof SplitOrder>;

/** A var-int that is 0 or 1: whether an optional structure follows. */
export const presence: P.CoderType<boolean> = P.apply(count(1), {
  encode: (n: number) => n === 1,
  decode: (present: boolean) => (present ? 1 : 0),
});

/** The full order of a compact one inside an agency transaction. */
export function expandOrder(tx: { assetId: Uint8Array; valueAssetId: Uint8Array; agent: Uint8Array }, o: CompactOrder): Order {
  return { assetId: tx.assetId, valueAssetId: tx.valueAssetId, agent: tx.agent, ...o };
}

/** The message a client signs: the unsigned order's bytes. */
export function orderMessage(order: Omit<Order, 'witnesses'>): Uint8Array {
  return UnsignedOrder.encode(order);
}

/** hash256 of the unsigned order, its identity. */
export function orderHash(order: Omit<Order, 'witnesses'>): Uint8Array {
  return hash256(orderMessage(order));
}

/** Signs an order for its client; `signer.script` must hash to `order.client`. */
export function signOrder(order: Omit<Order, 'witnesses'>, signer: Signer): Order {
  if (!equalBytes(scriptHash(signer.script), order.client)) throw new RangeError("the signer's script is not the order's client");
  const message = orderMessage(order);
  return { ...order, witnesses: [witnessFor(signer, (k) => sign(message, k))] };
}

/** Checks that the order carries one witness, of its client, that verifies. */
export async function verifyOrder(order: Order, verifier: SignatureVerifier = defaultVerifier()): Promise<void> {
  const client = uintToString(order.client);
  if (order.witnesses.length !== 1 || !equalBytes(scriptHash(order.witnesses[0].verification), order.client)) {
    throw txError('ORDER_WITNESS_INVALID', "an order carries exactly one witness, its client's", { client });
  }
  const w = order.witnesses[0];
  const r = await runWitness(w.invocation, w.verification, orderMessage(order), verifier);
  if (!r.ok) throw txError('ORDER_WITNESS_INVALID', `the client's signature does not verify: ${r.reason}`, { client });
}
