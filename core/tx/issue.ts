/**
 * IssueTransaction (0x01, whitepaper 4.1.2): creates units of registered assets, never above
 * their total; each asset's admin signs. Everything it checks needs the ledger (core/state).
 */
import * as P from 'micro-packed';

export const IssueTransactionData = P.struct({ version: P.U8 });
