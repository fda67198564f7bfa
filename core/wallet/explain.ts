/**
 * What a transaction does, as the holder of some accounts sees it: the review before every
 * signature and each line of the history are read from this one summary, made from the
 * transaction itself and the outputs its inputs spend (from the unspent table before it is
 * signed, from their blocks after). It is never made from the form that built the transaction:
 * what is shown is what would be signed.
 */
import { bytesToHex, equalBytes } from '../encoding/bytes.ts';
import { ANTCOIN_ID } from '../block/genesis.ts';
import { allInputs, outpointKey, type Transaction, type TransactionType } from '../tx/transaction.ts';
import type { TransactionOutput } from '../tx/io.ts';
import type { Ledger } from '../state/ledger.ts';

/** Units of one asset moving between the holder and other accounts. */
export interface Movement {
  readonly assetId: Uint8Array;
  /** Fixed8 units, above zero. */
  readonly value: bigint;
  /** The other accounts: where what leaves goes, where what arrives comes from (script hashes; none known for new units). */
  readonly counterparties: readonly Uint8Array[];
}

/** The holder's view of the transaction in one word (the sentence the wallet writes from it). */
export type Kind = 'sent' | 'received' | 'exchanged' | 'to-self' | 'issued' | 'registered' | 'enrolled' | 'voted' | 'claimed' | 'mined' | 'other';

export interface Explanation {
  readonly kind: Kind;
  readonly type: TransactionType;
  /** What leaves the holder's accounts, per asset, not counting the fee. */
  readonly leaves: readonly Movement[];
  /** What arrives in the holder's accounts, per asset. */
  readonly arrives: readonly Movement[];
  /** The AntCoin the transaction burns (service and byte fee), whoever pays it. */
  readonly fee: bigint;
  /** The part of the fee the holder pays: all of it when every AntCoin input is the holder's; `undefined` when it is shared with other signers. */
  readonly feeFromHolder: bigint | undefined;
  /** Units an IssueTransaction creates, per asset, with their receivers. */
  readonly issued: readonly Movement[];
  /** A RegisterTransaction's asset. */
  readonly registered?: { readonly name: string; readonly amount: bigint; readonly assetType: string };
  /** An EnrollmentTransaction's deposit (locked at the candidate key's own address) and key. */
  readonly enrolled?: { readonly publicKey: Uint8Array; readonly deposit: bigint; readonly depositTo: Uint8Array };
  /** A VotingTransaction's candidates (their enrolments' hashes). */
  readonly votes?: readonly Uint8Array[];
  /** Inputs whose outputs could not be read: the amounts above leave them out. */
  readonly unresolved: number;
}

/** The outputs a transaction's inputs spend, read from the unspent table (a transaction not yet in a block). */
export function unspentInputs(ledger: Ledger, tx: Transaction): (TransactionOutput | undefined)[] {
  return allInputs(tx).map((i) => ledger.utxos.get(outpointKey(i.prevHash, i.prevIndex)));
}

/**
 * Explains `tx` for the holder of the accounts `mine` (script hashes, hex), given the outputs its
 * inputs spend in their order (`allInputs`), `undefined` where one could not be read.
 */
export function explainTransaction(tx: Transaction, spent: readonly (TransactionOutput | undefined)[], mine: ReadonlySet<string>): Explanation {
  const isMine = (h: Uint8Array) => mine.has(bytesToHex(h));
  const sums = new Map<string, { assetId: Uint8Array; myIn: bigint; myOut: bigint; allIn: bigint; allOut: bigint; from: Uint8Array[]; to: Uint8Array[] }>();
  const entry = (assetId: Uint8Array) => {
    const k = bytesToHex(assetId);
    let e = sums.get(k);
    if (!e) sums.set(k, (e = { assetId, myIn: 0n, myOut: 0n, allIn: 0n, allOut: 0n, from: [], to: [] }));
    return e;
  };
  const addOnce = (list: Uint8Array[], h: Uint8Array) => {
    if (!list.some((x) => equalBytes(x, h))) list.push(h);
  };
  let unresolved = 0;
  for (const out of spent) {
    if (!out) {
      unresolved++;
      continue;
    }
    const e = entry(out.assetId);
    e.allIn += out.value;
    if (isMine(out.scriptHash)) e.myIn += out.value;
    else addOnce(e.from, out.scriptHash);
  }
  unresolved += Math.max(0, allInputs(tx).length - spent.length);
  for (const out of tx.outputs) {
    const e = entry(out.assetId);
    e.allOut += out.value;
    if (isMine(out.scriptHash)) e.myOut += out.value;
    else addOnce(e.to, out.scriptHash);
  }
  const coin = sums.get(bytesToHex(ANTCOIN_ID));
  const fee = coin && coin.allIn > coin.allOut ? coin.allIn - coin.allOut : 0n;
  const feeFromHolder = fee === 0n || !coin || coin.myIn === 0n ? 0n : coin.myIn === coin.allIn ? fee : undefined;
  const leaves: Movement[] = [];
  const arrives: Movement[] = [];
  const issued: Movement[] = [];
  for (const e of sums.values()) {
    const isCoin = equalBytes(e.assetId, ANTCOIN_ID);
    // Units made from nothing: an issue's new units (a claim's and a block reward's AntCoin arrive below).
    if (tx.type === 'IssueTransaction' && e.allOut > e.allIn && !isCoin) issued.push({ assetId: e.assetId, value: e.allOut - e.allIn, counterparties: e.to });
    let net = e.myOut - e.myIn;
    if (isCoin && feeFromHolder) net += feeFromHolder;
    if (net < 0n) leaves.push({ assetId: e.assetId, value: -net, counterparties: e.to });
    else if (net > 0n) arrives.push({ assetId: e.assetId, value: net, counterparties: e.from });
  }
  const base = { type: tx.type, leaves, arrives, fee, feeFromHolder, issued, unresolved };
  switch (tx.type) {
    case 'RegisterTransaction':
      return { ...base, kind: 'registered', registered: { name: tx.name, amount: tx.amount, assetType: tx.assetType } };
    case 'EnrollmentTransaction': {
      const deposit = tx.outputs[0];
      return { ...base, kind: 'enrolled', enrolled: { publicKey: tx.publicKey, deposit: deposit?.value ?? 0n, depositTo: deposit?.scriptHash ?? new Uint8Array(20) } };
    }
    case 'VotingTransaction':
      return { ...base, kind: 'voted', votes: tx.enrollments };
    case 'ClaimTransaction':
      return { ...base, kind: 'claimed' };
    case 'MinerTransaction':
      return { ...base, kind: 'mined' };
    case 'IssueTransaction':
      // The issuer's view: units made; a receiver's: units that arrived.
      if (leaves.length > 0 || feeFromHolder !== 0n || arrives.length === 0) return { ...base, kind: 'issued' };
      return { ...base, kind: 'received' };
    default:
      return { ...base, kind: leaves.length && arrives.length ? 'exchanged' : leaves.length ? 'sent' : arrives.length ? 'received' : spent.length || tx.outputs.length ? 'to-self' : 'other' };
  }
}
