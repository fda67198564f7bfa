/**
 * Transactions paid by one account: inputs taken from its unspent outputs at the tip (oldest
 * first), change back to it, and the fees, paid in AntCoin: the service fee of the type (asset
 * registration, enrolment) and the byte fee its signed size requires. Built unsigned with the
 * exact fee (a signature is always 64 bytes, so every witness's size is known before signing): a
 * wallet shows the fee, then asks for the password that signs. Every account the ledger will
 * want a signature from counts: the payer, the accounts named in `otherSigners`, and any other
 * (a Share's receiver or admin), counted as a dual-key account.
 */
import { bytesToHex } from '../encoding/bytes.ts';
import { ProtocolError } from '../encoding/errors.ts';
import { formatFixed8, uintFromString, uintToString } from '../encoding/primitives.ts';
import { getPublicKey } from '../crypto/keys.ts';
import { dualKeyAccount, parseMultiSigScript, scriptHash } from '../script/accounts.ts';
import { invocationScript } from '../tx/sign.ts';
import { encodeTransaction, outpointKey, sortWitnesses, type Transaction, type UnsignedTransaction } from '../tx/transaction.ts';
import { ANTCOIN_ID } from '../block/genesis.ts';
import { byteFee, serviceFee, type NetworkSettings } from '../state/settings.ts';
import type { Ledger } from '../state/ledger.ts';
import { walletError } from './errors.ts';

export interface PaymentParams {
  readonly ledger: Ledger;
  readonly settings: NetworkSettings;
  /** The paying account's verification script (single-key or M-of-N). */
  readonly script: Uint8Array;
  readonly outputs: Transaction['outputs'];
  /** Outputs not to spend (outpoint keys), e.g. those a payment still waiting for a block spends. */
  readonly skip?: ReadonlySet<string>;
  /**
   * The transaction's type and its own fields (default a ContractTransaction); inputs, outputs
   * and witnesses are filled in.
   */
  readonly template?: DistributiveOmit<UnsignedTransaction, 'inputs' | 'outputs' | 'witnesses'>;
  /** Outputs made from nothing (an IssueTransaction's new units): not paid for by inputs. */
  readonly created?: Transaction['outputs'];
  /** Verification scripts of the other accounts that will sign (an asset's issuer key): their witnesses count in the size. */
  readonly otherSigners?: readonly Uint8Array[];
  /** Inputs of other accounts (a contract's counterparty), put after this account's. */
  readonly extraInputs?: Transaction['inputs'];
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An unsigned transaction and the fees it pays (service fee and byte fee). */
export interface UnsignedPayment {
  readonly tx: Transaction;
  readonly fee: bigint;
}

/** Signatures the script needs: 1 for a single key, M for M-of-N. */
function signaturesOf(script: Uint8Array): number {
  return parseMultiSigScript(script)?.m ?? 1;
}

/**
 * A dual-key account's script, for the size of the witness of a signer whose script is not
 * known yet (only its script hash is). Made on first use: two point multiplications are not for
 * page load.
 */
let placeholder: Uint8Array | undefined;
function dualKeyPlaceholder(): Uint8Array {
  const key = (n: number) => getPublicKey(Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? n : 0)));
  return (placeholder ??= dualKeyAccount(key(1), key(2)).script);
}

/** An account whose signature a transaction still lacks, and why it must sign (the ledger's words). */
export interface MissingSigner {
  readonly scriptHash: Uint8Array;
  readonly roles: readonly string[];
}

/**
 * Who must still sign `tx` for the ledger to take it (none: it can be sent). Any other rule it
 * breaks is thrown, as the ledger would.
 */
export function missingSigners(ledger: Ledger, tx: Transaction): MissingSigner[] {
  try {
    ledger.checkTransactionRules(tx);
    return [];
  } catch (e) {
    if (!(e instanceof ProtocolError) || e.code !== 'TX_NOT_SIGNED') throw e;
    return (e.data.missing as { account: string; roles: string[] }[]).map((m) => ({ scriptHash: uintFromString(m.account, 20), roles: m.roles }));
  }
}

/**
 * The unsigned transaction; PAYMENT_FUNDS_LOW (with the asset, what is held and what is needed)
 * when the account holds too little, or the ledger's error for a transaction it would refuse.
 */
export function buildPayment(params: PaymentParams): UnsignedPayment {
  const others = params.otherSigners ?? [];
  const first = settle(params, others);
  const known = new Set([params.script, ...others].map((s) => bytesToHex(scriptHash(s))));
  const unknown = missingSigners(params.ledger, first.tx).filter((m) => !known.has(bytesToHex(m.scriptHash))).length;
  return unknown > 0 ? settle(params, [...others, ...Array.from({ length: unknown }, dualKeyPlaceholder)]) : first;
}

/** The transaction with its exact fee, for witnesses of the payer and of `others`. */
function settle(params: PaymentParams, others: readonly Uint8Array[]): UnsignedPayment {
  const from = scriptHash(params.script);
  const template = params.template ?? { type: 'ContractTransaction' as const, version: 0, attributes: [] };
  const placeholder = sortWitnesses([params.script, ...others].map((script) => ({
    invocation: invocationScript(Array.from({ length: signaturesOf(script) }, () => new Uint8Array(64))), verification: script,
  })));
  const service = serviceFee(params.settings, template.type);
  const build = (byteFees: bigint): Transaction => {
    const fee = service + byteFees;
    const needs = new Map<string, { asset: Uint8Array; value: bigint }>();
    const need = (asset: Uint8Array, value: bigint) => {
      const k = bytesToHex(asset);
      needs.set(k, { asset, value: (needs.get(k)?.value ?? 0n) + value });
    };
    for (const o of params.outputs) need(o.assetId, o.value);
    if (fee > 0n) need(ANTCOIN_ID, fee);
    const inputs: Transaction['inputs'] = [];
    const change: Transaction['outputs'] = [];
    for (const { asset, value } of needs.values()) {
      let got = 0n;
      for (const u of params.ledger.unspent(from, asset)) {
        if (got >= value) break;
        if (params.skip?.has(outpointKey(u.txHash, u.index))) continue;
        inputs.push({ prevHash: u.txHash, prevIndex: u.index });
        got += u.output.value;
      }
      if (got < value) {
        throw walletError('PAYMENT_FUNDS_LOW', `the account holds ${formatFixed8(got)} of the ${formatFixed8(value)} needed`, {
          asset: uintToString(asset), held: formatFixed8(got), needed: formatFixed8(value),
        });
      }
      if (got > value) change.push({ assetId: asset, value: got - value, scriptHash: from });
    }
    return { ...template, inputs: [...inputs, ...(params.extraInputs ?? [])], outputs: [...params.outputs, ...(params.created ?? []), ...change], witnesses: [] } as Transaction;
  };
  // The fee follows the size, and the size may follow the fee (one more input to pay it): settle.
  let byteFees = 0n;
  for (;;) {
    const tx = build(byteFees);
    const size = encodeTransaction({ ...tx, witnesses: placeholder }).length;
    const needed = byteFee(params.settings, tx.type, size);
    if (needed <= byteFees) return { tx, fee: service + byteFees };
    byteFees = needed;
  }
}
