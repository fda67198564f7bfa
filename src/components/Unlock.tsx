import { useState } from 'react';
import { unlock, useWallet } from '../wallet/walletStore.ts';
import { errorText, useT } from '../i18n.ts';

/** Opens an account with its query password. */
export function Unlock({ onAdd }: { onAdd: () => void }) {
  const t = useT();
  const { accounts, current } = useWallet();
  const [address, setAddress] = useState(current ?? accounts[0]?.address ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return (
    <section className="card" aria-labelledby="unlock-title">
      <h2 id="unlock-title">{t.unlock}</h2>
      <form onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError('');
        try {
          await unlock(address, password);
        } catch (err) {
          setError(errorText(t, err));
        } finally {
          setBusy(false);
        }
      }}>
        <label htmlFor="unlock-account">{t.account}</label>
        <select id="unlock-account" value={address} onChange={(e) => setAddress(e.target.value)}>
          {accounts.map((a) => <option key={a.address} value={a.address}>{a.label} · {a.address.slice(0, 8)}…</option>)}
        </select>
        <p>{t.unlockText}</p>
        <label htmlFor="unlock-password">{t.queryPassword}</label>
        <input id="unlock-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        {error && <p className="error" role="alert">{error}</p>}
        <div className="actions">
          <button type="submit" disabled={busy}>{t.unlock}</button>
          <button type="button" className="secondary" onClick={onAdd}>{t.addAccount}</button>
        </div>
      </form>
    </section>
  );
}
