/** What the rules of one transaction see and collect while a block is checked. */
import type { Transaction } from '../../tx/transaction.ts';
import type { Ledger } from '../ledger.ts';
import type { Utxo } from '../tables.ts';

/** Outputs and totals of the block being checked. */
export interface BlockContext {
  readonly height: number;
  /** Outputs created by the block's transactions, by outpoint key: spendable anywhere in the block. */
  readonly created: Map<string, { utxo: Utxo; miner: boolean }>;
  /** Transactions of the block by hash (hex), with their output counts. */
  readonly txOutputs: Map<string, number>;
  /** Service fees the block burns and byte fees it collects. */
  serviceFees: bigint;
  byteFees: bigint;
  /** Units issued in the block so far, by asset (hex), for the cap across several IssueTransactions. */
  readonly issued: Map<string, bigint>;
}

/** Per asset: units in (spent) and out (created). */
export interface AssetFlow {
  readonly assetId: Uint8Array;
  inputs: bigint;
  outputs: bigint;
}

/** One transaction under check. */
export interface TxContext {
  readonly ledger: Ledger;
  readonly block: BlockContext;
  readonly tx: Transaction;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  /** Position in the block. */
  readonly index: number;
  readonly size: number;
  /** The outputs its inputs spend, in input order. */
  readonly spent: Utxo[];
  /** For an AgencyTransaction: the outputs each order's inputs spend (signed by the order's client, not here). */
  readonly orderSpent: Utxo[][];
  /** The accounts that must sign, by script hash (hex), with why each must. */
  readonly signers: Map<string, { scriptHash: Uint8Array; roles: string[] }>;
  /** Units in and out per asset (hex). */
  readonly flows: Map<string, AssetFlow>;
  // Keys computed once per transaction (each is a hex conversion, and every rule needs them).
  /** Outpoint keys of the outputs it creates. */
  readonly outputKeys: string[];
  /** The unspent outputs it makes, as the utxo table will hold them. */
  readonly outputs: Utxo[];
  /** Outpoint keys it spends: its inputs, then (AgencyTransaction) its orders' inputs in order. */
  readonly spendKeys: string[];
}
