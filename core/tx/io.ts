/** Inputs, outputs and witnesses (docs/protocol.md, "Transactions"). */
import * as P from 'micro-packed';
import { Fixed8, UInt160, UInt256, varBytes } from '../encoding/primitives.ts';
import { MAX_INVOCATION_SIZE, MAX_VERIFICATION_SIZE } from './limits.ts';

/** The layout of an input: the output `prevIndex` of transaction `prevHash`. */
export const TransactionInputSchema = P.struct({ prevHash: UInt256, prevIndex: P.U16LE });
export type TransactionInput = P.UnwrapCoder<typeof TransactionInputSchema>;

/** The layout of an output: `value` units (Fixed8, > 0) of asset `assetId` to the account `scriptHash`. */
export const TransactionOutputSchema = P.struct({ assetId: UInt256, value: Fixed8, scriptHash: UInt160 });
export type TransactionOutput = P.UnwrapCoder<typeof TransactionOutputSchema>;

// Inputs and outputs are most of every transaction's fields, and fixed in size: they are read and
// written directly (no per-field bookkeeping), byte for byte as their schemas above (tested).

/** Wire coder of an input (34 bytes). */
export const TransactionInput: P.CoderType<TransactionInput> = P.wrap({
  encodeStream(w, i: TransactionInput) {
    TransactionInputSchema.encodeStream(w, i);
  },
  decodeStream(r): TransactionInput {
    const b = r.bytes(34);
    return { prevHash: b.subarray(0, 32), prevIndex: b[32] | (b[33] << 8) };
  },
});

/** Wire coder of an output (60 bytes). */
export const TransactionOutput: P.CoderType<TransactionOutput> = P.wrap({
  encodeStream(w, o: TransactionOutput) {
    TransactionOutputSchema.encodeStream(w, o);
  },
  decodeStream(r): TransactionOutput {
    const b = r.bytes(60);
    const value = new DataView(b.buffer, b.byteOffset + 32, 8).getBigInt64(0, true);
    return { assetId: b.subarray(0, 32), value, scriptHash: b.subarray(40, 60) };
  },
});

/** A witness: the invocation script (the signatures) and the verification script (the account). */
export const Witness = P.struct({ invocation: varBytes(MAX_INVOCATION_SIZE), verification: varBytes(MAX_VERIFICATION_SIZE) });
export type Witness = P.UnwrapCoder<typeof Witness>;
