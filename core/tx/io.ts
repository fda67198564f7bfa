/** Inputs, outputs and witnesses (docs/protocol.md, "Transactions"). */
import * as P from 'micro-packed';
import { Fixed8, UInt160, UInt256, varBytes } from '../encoding/primitives.ts';
import { MAX_INVOCATION_SIZE, MAX_VERIFICATION_SIZE } from './limits.ts';

/** An input: the output `prevIndex` of transaction `prevHash`. */
export const TransactionInput = P.struct({ prevHash: UInt256, prevIndex: P.U16LE });
export type TransactionInput = P.UnwrapCoder<typeof TransactionInput>;

/** An output: `value` units (Fixed8, > 0) of asset `assetId` to the account `scriptHash`. */
export const TransactionOutput = P.struct({ assetId: UInt256, value: Fixed8, scriptHash: UInt160 });
export type TransactionOutput = P.UnwrapCoder<typeof TransactionOutput>;

/** A witness: the invocation script (the signatures) and the verification script (the account). */
export const Witness = P.struct({ invocation: varBytes(MAX_INVOCATION_SIZE), verification: varBytes(MAX_VERIFICATION_SIZE) });
export type Witness = P.UnwrapCoder<typeof Witness>;
