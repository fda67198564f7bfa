import { useMemo, useState } from 'react';
import { bytesToHex, hexToBytes } from '../../core/encoding/bytes.ts';
import { formatFixed8 } from '../../core/encoding/primitives.ts';
import { ANTSHARE_ID } from '../../core/block/genesis.ts';
import { accountScriptHash, addValidatorKey, buildEnrollment, buildVote, openValidatorKey, validatorKeyFile, type AccountRecord } from '../../core/wallet/index.ts';
import { currentNode, usePeer } from '../peer/browserNode.ts';
import { saveAccount } from '../wallet/walletStore.ts';
import { errorText, useT } from '../i18n.ts';
import { pendingSpends, SubmitStatus, useSubmit } from './submit.tsx';
import { ReviewAndSign } from './Review.tsx';

/**
 * Stands in for a validator key not made yet, when the enrolment's fee is shown (every key's
 * single-key witness has the same size): the generator point of P-256, compressed.
 */
const STAND_IN_KEY = hexToBytes('036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296');

/** Candidates, their votes and the elected validators; enrol this account; vote with its AntShare. */
export function Governance({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  const t = useT();
  const version = usePeer((s) => s.version);
  const node = currentNode();
  const view = useMemo(() => {
    if (!node) return null;
    const ledger = node.chain.ledger;
    const validators = ledger.nextValidators().map(bytesToHex);
    const mineKeys = [account.validator?.publicKey, account.payPublicKey];
    const candidates = ledger.candidateVotes().map((c) => ({ id: bytesToHex(c.enrollment), key: bytesToHex(c.publicKey), votes: c.votes, mine: mineKeys.includes(bytesToHex(c.publicKey)) }));
    candidates.sort((a, b) => (a.votes === b.votes ? a.key.localeCompare(b.key) : a.votes > b.votes ? -1 : 1));
    return { validators, candidates, weight: ledger.balance(accountScriptHash(account), ANTSHARE_ID) };
  }, [node, account, version]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [reviewing, setReviewing] = useState<'vote' | 'enrol' | null>(null);
  const enrol = useSubmit(account, queryKey);
  const vote = useSubmit(account, queryKey);
  const enrolPlan = useMemo(() => {
    if (!node) return null;
    try {
      const candidate = account.validator ? hexToBytes(account.validator.publicKey) : STAND_IN_KEY;
      return buildEnrollment({ ledger: node.chain.ledger, settings: node.settings, account, skip: pendingSpends, candidate });
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
  const mine = view.candidates.find((c) => c.mine);
  const enrolled = mine !== undefined;
  /** Makes the validator key (once), then enrols it, the account paying. */
  const enrolNow = async (payPassword: string): Promise<boolean> => {
    const node = currentNode();
    if (!node) return false;
    let record = account;
    try {
      if (!record.validator) {
        record = await addValidatorKey(account, payPassword);
        await saveAccount(record);
      }
      const { tx } = buildEnrollment({ ledger: node.chain.ledger, settings: node.settings, account: record, skip: pendingSpends, candidate: hexToBytes(record.validator!.publicKey) });
      const done = await enrol.submit(tx, payPassword, { asValidator: true }, record);
      if (done) setReviewing(null);
      return done;
    } catch (e) {
      enrol.fail(e);
      return false;
    }
  };
  return (
    <>
      <section className="card" aria-labelledby="validators-title">
        <h2 id="validators-title">{t.validators}</h2>
        <ol className="keys" data-testid="validators">{view.validators.map((k) => <li key={k}><code>{k}</code></li>)}</ol>
      </section>
      <section className="card" aria-labelledby="candidates-title">
        <h2 id="candidates-title">{t.candidates}</h2>
        {view.candidates.length === 0 ? <p>{t.noCandidates}</p> : (
          <form onSubmit={(e) => {
            e.preventDefault();
            if (votePlan && 'tx' in votePlan) setReviewing('vote');
          }}>
            <fieldset disabled={reviewing === 'vote'}>
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
            {reviewing !== 'vote' && <button type="submit" data-testid="vote-check" disabled={!votePlan || 'error' in votePlan}>{t.review}</button>}
            </fieldset>
          </form>
        )}
        {reviewing === 'vote' && votePlan && 'tx' in votePlan && (
          <ReviewAndSign tx={votePlan.tx} account={account} id="vote" signLabel={t.vote} busy={vote.busy} onBack={() => setReviewing(null)}
            onSign={async (password) => {
              const done = await vote.submit(votePlan.tx, password);
              if (done) setReviewing(null);
              return done;
            }} />
        )}
        <SubmitStatus state={vote.state} testId="vote" />
      </section>
      {!enrolled && (
        <section className="card" aria-labelledby="enrol-title">
          <h2 id="enrol-title">{t.enrol}</h2>
          <p>{t.enrolText}</p>
          <p className="warning" data-testid="enrol-warning">{t.enrolMustRun}</p>
          {enrolPlan && 'deposit' in enrolPlan && <p data-testid="enrol-cost">{t.deposit}: {formatFixed8(enrolPlan.deposit)} AntCoin · {t.serviceFee}: {formatFixed8(enrolPlan.fee)} AntCoin</p>}
          {enrolPlan && 'error' in enrolPlan && <p className="error" role="alert">{enrolPlan.error}</p>}
          {reviewing !== 'enrol' && <button type="button" data-testid="enrol-check" disabled={!enrolPlan || 'error' in enrolPlan} onClick={() => setReviewing('enrol')}>{t.review}</button>}
          {reviewing === 'enrol' && enrolPlan && 'tx' in enrolPlan && (
            // The deposit goes to the validator key's own address: made now if the account has none.
            <ReviewAndSign tx={enrolPlan.tx} account={account} id="enrol" signLabel={t.enrolButton} busy={enrol.busy} onBack={() => setReviewing(null)} onSign={enrolNow} depositTo={account.validator !== undefined}>
              {!account.validator && <p className="hint" data-testid="enrol-new-key">{t.enrolNewKey}</p>}
            </ReviewAndSign>
          )}
          <SubmitStatus state={enrol.state} testId="enrol" />
        </section>
      )}
      {enrolled && <RunValidator account={account} candidateKey={mine.key} />}
    </>
  );
}

/** After enrolling: which key is the candidate, and how to run a validator with it (its key file, the command). */
function RunValidator({ account, candidateKey }: { account: AccountRecord; candidateKey: string }) {
  const t = useT();
  const config = usePeer((s) => s.config);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<{ url: string; name: string } | null>(null);
  const isPayKey = candidateKey === account.payPublicKey;
  const name = `validator-${account.address.slice(0, 8)}.key`;
  const network = config?.faucet ?? 'URL-OF-THE-NETWORK';
  return (
    <section className="card" aria-labelledby="run-validator-title">
      <h2 id="run-validator-title">{t.runValidator}</h2>
      <p className="ok" data-testid="enrolled">{t.enrolled} <code>{candidateKey.slice(0, 18)}…</code></p>
      {isPayKey ? <p className="warning">{t.candidateIsPayKey}</p> : (
        <>
          <p>{t.runValidatorText}</p>
          <pre data-testid="run-command"><code>{`npx ans node --network ${network} --data ./validator --key ${name}`}</code></pre>
          <p className="hint">{t.keyFileWarning}</p>
          <form onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            try {
              const key = await openValidatorKey(account, password);
              const url = URL.createObjectURL(new Blob([validatorKeyFile(key)], { type: 'text/plain' }));
              key.fill(0);
              setFile({ url, name });
              setPassword('');
            } catch (err) {
              setError(errorText(t, err));
            }
          }}>
            <label htmlFor="validator-key-password">{t.payPassword}</label>
            <input id="validator-key-password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
            <button type="submit" disabled={password === ''}>{t.makeKeyFile}</button>
          </form>
          {error && <p className="error" role="alert">{error}</p>}
          {file && <p><a href={file.url} download={file.name} data-testid="key-file" onClick={() => setTimeout(() => URL.revokeObjectURL(file.url), 1000)}>{t.downloadKeyFile} ({file.name})</a></p>}
        </>
      )}
    </section>
  );
}
