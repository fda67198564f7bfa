/**
 * ClaimTransaction (0x02): reserved. Antshares 1.x claimed AntCoin with it; this protocol
 * distributes AntCoin per block instead (whitepaper 5.2.5), so it decodes but is never valid.
 */
import * as P from 'micro-packed';
import { varArray } from '../encoding/primitives.ts';
import { TransactionInput } from './io.ts';
import { MAX_INPUTS } from './limits.ts';

export const ClaimTransactionData = P.struct({ version: P.U8, claims: varArray(MAX_INPUTS, TransactionInput) });
