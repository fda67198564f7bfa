import { useState } from 'react';
import { bytesToHex } from '../../core/encoding/bytes.ts';
import { uintToString } from '../../core/encoding/primitives.ts';
import { encodeTransaction, type Transaction } from '../../core/tx/transaction.ts';
import { addPending } from '../wallet/pending.ts';
import { accountScriptHash, missingSigners, signWithAccount, type AccountRecord } from '../../core/wallet/index.ts';
import { PassOn } from './PassOn.tsx';
import { adminReview } from '../wallet/policy.ts';
import { currentNode, usePeer } from '../peer/browserNode.ts';
import { errorText, useT } from '../i18n.ts';

export { pendingSpends } from '../wallet/pending.ts';

export type SubmitState =
  | { phase: 'idle' }
  | { phase: 'signing' }
  /** Signed by us; others must still sign: passed on, not sent. */
  | { phase: 'signed'; tx: Transaction }
  | { phase: 'submitted'; hash: Uint8Array }
  | { phase: 'final'; hash: Uint8Array; height: number }
  | { phase: 'error'; message: string };

/**
 * Signs with the account (pay password), after the admin's policy of every Share asset this
 * account administers and the transaction moves has approved it (PolicyRefused otherwise:
 * nothing is signed); the approved transfers go into the admin's log.
 */
export async function signChecked(tx: Transaction, account: AccountRecord, queryKey: Uint8Array, payPassword: string, options: { asIssuer?: boolean; asValidator?: boolean } = {}): Promise<Transaction> {
  const node = currentNode();
  if (!node) throw new Error('the peer has not started');
  const review = adminReview(node.chain.ledger, tx, accountScriptHash(account), node.settings.addressVersion);
  const signed = await signWithAccount(tx, account, queryKey, payPassword, options);
  review.commit();
  return signed;
}

/**
 * Signing with the pay password, submitting to the in-page peer, and following the transaction
 * until the block that makes it final (read from the ledger this page validates). A transaction
 * that others must still sign is not sent: it is passed on to them (PassOn).
 */
export function useSubmit(account: AccountRecord, queryKey: Uint8Array) {
  const t = useT();
  usePeer((s) => s.version); // re-render on each block
  const [state, setState] = useState<SubmitState>({ phase: 'idle' });
  const ledger = currentNode()?.chain.ledger;
  if (state.phase === 'submitted' && ledger?.txs.has(bytesToHex(state.hash))) {
    setState({ phase: 'final', hash: state.hash, height: ledger.txs.get(bytesToHex(state.hash))!.height });
  }
  /** `record`: the account as just saved, when it changed since this form was drawn (a validator key added). */
  const submit = async (tx: Transaction, payPassword: string, options: { asIssuer?: boolean; asValidator?: boolean } = {}, record: AccountRecord = account): Promise<boolean> => {
    const node = currentNode();
    if (!node) return false;
    setState({ phase: 'signing' });
    try {
      const signed = await signChecked(tx, record, queryKey, payPassword, options);
      if (missingSigners(node.chain.ledger, signed).length > 0) {
        setState({ phase: 'signed', tx: signed });
        return true;
      }
      const bytes = encodeTransaction(signed);
      const hash = await node.submit(bytes);
      addPending(hash, bytes, record.address); // followed in the history's pending list, across reloads and tabs
      setState({ phase: 'submitted', hash });
      return true;
    } catch (e) {
      setState({ phase: 'error', message: errorText(t, e) });
      return false;
    }
  };
  /** Shows a failure of a step before signing (the form's own). */
  const fail = (e: unknown) => setState({ phase: 'error', message: errorText(t, e) });
  return { state, submit, fail, busy: state.phase === 'signing' };
}

export function SubmitStatus({ state, testId = 'send' }: { state: SubmitState; testId?: string }) {
  const t = useT();
  if (state.phase === 'signed') return <PassOn tx={state.tx} />;
  if (state.phase === 'submitted') return <p className="ok" role="status" data-testid={`${testId}-status`}>{t.submitted}</p>;
  if (state.phase === 'final') return <p className="ok" role="status" data-testid={`${testId}-status`}>{t.final} {state.height} · <code>{uintToString(state.hash).slice(0, 16)}…</code></p>;
  if (state.phase === 'error') return <p className="error" role="alert" data-testid={`${testId}-error`}>{state.message}</p>;
  return null;
}
