import { useMemo, useState } from 'react';
import { bytesToHex, hexToBytes } from '../../core/encoding/bytes.ts';
import { formatFixed8 } from '../../core/encoding/primitives.ts';
import { ANTSHARE_ID } from '../../core/block/genesis.ts';
import { accountScriptHash, buildEnrollment, buildVote, type AccountRecord } from '../../core/wallet/index.ts';
import { currentNode, usePeer } from '../peer/browserNode.ts';
import { errorText, useT } from '../i18n.ts';
import { pendingSpends, SubmitStatus, useSubmit } from './submit.tsx';

/** Candidates, their votes and the elected validators; enrol this account; vote with its AntShare. */
export function Governance({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  const t = useT();
  const version = usePeer((s) => s.version);
  const node = currentNode();
  const view = useMemo(() => {
    if (!node) return null;
    const ledger = node.chain.ledger;
    const validators = ledger.nextValidators().map(bytesToHex);
    const candidates = ledger.candidateVotes().map((c) => ({ id: bytesToHex(c.enrollment), key: bytesToHex(c.publicKey), votes: c.votes, mine: bytesToHex(c.publicKey) === account.payPublicKey }));
    candidates.sort((a, b) => (a.votes === b.votes ? a.key.localeCompare(b.key) : a.votes > b.votes ? -1 : 1));
    return { validators, candidates, weight: ledger.balance(accountScriptHash(account), ANTSHARE_ID) };
  }, [node, account, version]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [payPassword, setPayPassword] = useState('');
  const enrol = useSubmit(account, queryKey);
  const vote = useSubmit(account, queryKey);
  const enrolPlan = useMemo(() => {
    if (!node) return null;
    try {
      return buildEnrollment({ ledger: node.chain.ledger, settings: node.settings, account, skip: pendingSpends });
    } catch (e) {
      return { error: errorText(t, e) };
    }
  }, [node, account, t, version]);
  const votePlan = useMemo(() => {
    if (!node || chosen.size === 0) return null;
    try {
      return buildVote({ ledger: node.chain.ledger, settings: node.settings, account, skip: pendingSpends, enrollments: [...chosen].map(hexToBytes) });
    } catch (e) {
      return { error: errorText(t, e) };
    }
  }, [node, account, chosen, t, version]);
  if (!view) return null;
  const enrolled = view.candidates.some((c) => c.mine);
  return (
    <>
      <section className="card" aria-labelledby="validators-title">
        <h2 id="validators-title">{t.validators}</h2>
        <ol className="keys" data-testid="validators">{view.validators.map((k) => <li key={k}><code>{k}</code></li>)}</ol>
      </section>
      <section className="card" aria-labelledby="candidates-title">
        <h2 id="candidates-title">{t.candidates}</h2>
        {view.candidates.length === 0 ? <p>{t.noCandidates}</p> : (
          <form onSubmit={async (e) => {
            e.preventDefault();
            if (votePlan && 'tx' in votePlan && await vote.submit(votePlan.tx, payPassword)) setPayPassword('');
          }}>
            <table className="balances" data-testid="candidates">
              <tbody>
                {view.candidates.map((c) => (
                  <tr key={c.id} data-key={c.key}>
                    <td><input type="checkbox" aria-label={`${t.voteFor} ${c.key.slice(0, 12)}`} checked={chosen.has(c.id)}
                      onChange={(e) => { const next = new Set(chosen); if (e.target.checked) next.add(c.id); else next.delete(c.id); setChosen(next); }} /></td>
                    <th scope="row"><code>{c.key.slice(0, 18)}…</code>{c.mine && ` (${t.you})`}</th>
                    <td className="amount votes">{c.votes.toString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>{t.voteWeight}: {formatFixed8(view.weight)} AntShare</p>
            {votePlan && 'fee' in votePlan && <p>{t.fee}: {formatFixed8(votePlan.fee)} AntCoin</p>}
            {votePlan && 'error' in votePlan && <p className="error" role="alert">{votePlan.error}</p>}
            <label htmlFor="vote-pay-password">{t.payPassword}</label>
            <input id="vote-pay-password" type="password" autoComplete="off" value={payPassword} onChange={(e) => setPayPassword(e.target.value)} />
            <button type="submit" disabled={!votePlan || 'error' in votePlan || payPassword === '' || vote.busy}>{t.vote}</button>
            <SubmitStatus state={vote.state} testId="vote" />
          </form>
        )}
      </section>
      {!enrolled && (
        <section className="card" aria-labelledby="enrol-title">
          <h2 id="enrol-title">{t.enrol}</h2>
          <p>{t.enrolText}</p>
          {enrolPlan && 'deposit' in enrolPlan && <p data-testid="enrol-cost">{t.deposit}: {formatFixed8(enrolPlan.deposit)} AntCoin · {t.serviceFee}: {formatFixed8(enrolPlan.fee)} AntCoin</p>}
          {enrolPlan && 'error' in enrolPlan && <p className="error" role="alert">{enrolPlan.error}</p>}
          <form onSubmit={async (e) => {
            e.preventDefault();
            if (enrolPlan && 'tx' in enrolPlan && await enrol.submit(enrolPlan.tx, payPassword, { asIssuer: true })) setPayPassword('');
          }}>
            <label htmlFor="enrol-pay-password">{t.payPassword}</label>
            <input id="enrol-pay-password" type="password" autoComplete="off" value={payPassword} onChange={(e) => setPayPassword(e.target.value)} />
            <button type="submit" disabled={!enrolPlan || 'error' in enrolPlan || payPassword === '' || enrol.busy}>{t.enrol}</button>
          </form>
          <SubmitStatus state={enrol.state} testId="enrol" />
        </section>
      )}
      {enrolled && <p className="ok" data-testid="enrolled">{t.enrolled} <code>{account.payPublicKey.slice(0, 18)}…</code></p>}
    </>
  );
}
