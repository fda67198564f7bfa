/**
 * ContractTransaction (0x80, whitepaper 4.2.1): transfers and swaps between named parties. Its
 * rules (value per asset, who signs) are all ledger rules (core/state).
 */
import * as P from 'micro-packed';

export const ContractTransactionData = P.struct({ version: P.U8 });
