import { useState } from 'react';
import { hexToBytes } from '../../core/encoding/bytes.ts';
import { allInputs, decodeTransaction, outpointKey, type Transaction } from '../../core/tx/transaction.ts';
import { explainTransaction, unspentInputs, type AccountRecord } from '../../core/wallet/index.ts';
import { currentNode, usePeer } from '../peer/browserNode.ts';
import { addPending, removePending, usePending, type Pending } from '../wallet/pending.ts';
import { errorText, useLang, useT } from '../i18n.ts';
import { Explained, holderOf } from './Review.tsx';

/** Neither final nor in this page's pool this long after it was sent: the network dropped it. */
export const DROPPED_AFTER_MS = 2 * 60_000;

type Status = 'waiting' | 'dropped' | 'conflict' | 'final';

function statusOf(p: Pending, tx: Transaction | undefined): Status {
  const node = currentNode();
  if (!node || !tx) return 'waiting';
  const hash = hexToBytes(p.hash);
  if (node.chain.ledger.txs.has(p.hash)) return 'final';
  // An input spent by another transaction, in a block: this one can never be final.
  if (allInputs(tx).some((i) => !node.chain.ledger.utxos.has(outpointKey(i.prevHash, i.prevIndex)))) return 'conflict';
  if (node.mempool.has(hash)) return 'waiting';
  return Date.now() - p.at > DROPPED_AFTER_MS ? 'dropped' : 'waiting';
}

// After each block: the final ones leave the list (the history shows them).
usePeer.subscribe((s, before) => {
  if (s.version === before.version || !currentNode()) return;
  for (const p of usePending.getState().items) {
    if (currentNode()!.chain.ledger.txs.has(p.hash)) removePending(p.hash);
  }
});

function decode(p: Pending): Transaction | undefined {
  try {
    return decodeTransaction(hexToBytes(p.tx));
  } catch {
    return undefined;
  }
}

/** This account's transactions waiting for a block, each with what it does, since when, and what to do if it was dropped. */
export function PendingList({ account }: { account: AccountRecord }) {
  const t = useT();
  usePeer((s) => s.version); // its status changes with each block
  const items = usePending((s) => s.items).filter((p) => p.address === account.address);
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="pending-title" className="pending" data-testid="pending">
      <h3 id="pending-title">{t.pendingTitle}</h3>
      <ul>{items.map((p) => <PendingItem key={p.hash} p={p} account={account} />)}</ul>
    </section>
  );
}

function PendingItem({ p, account }: { p: Pending; account: AccountRecord }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const [problem, setProblem] = useState('');
  const tx = decode(p);
  const status = statusOf(p, tx);
  const node = currentNode();
  const e = tx && node && explainTransaction(tx, unspentInputs(node.chain.ledger, tx), holderOf(account));
  const sendAgain = async () => {
    if (!node || !tx) return;
    setProblem('');
    try {
      const bytes = hexToBytes(p.tx);
      addPending(await node.submit(bytes), bytes, p.address);
    } catch (err) {
      setProblem(errorText(t, err));
    }
  };
  return (
    <li data-status={status} data-hash={p.hash}>
      <p className="what">
        {status === 'waiting' && t.pendingWaiting(new Date(p.at).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en'))}
        {status === 'dropped' && <strong>{t.pendingDropped}</strong>}
        {status === 'conflict' && <strong>{t.pendingConflict}</strong>}
        {status === 'final' && t.pendingFinal}
      </p>
      {e && <Explained e={e} />}
      {status === 'dropped' && <button type="button" onClick={() => void sendAgain()}>{t.sendAgain}</button>}
      {(status === 'dropped' || status === 'conflict') && <button type="button" className="secondary" onClick={() => removePending(p.hash)}>{t.forget}</button>}
      {problem && <p className="error" role="alert">{problem}</p>}
    </li>
  );
}
