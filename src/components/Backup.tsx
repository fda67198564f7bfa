import { useState } from 'react';
import { exportBackup, openMnemonic, type AccountRecord } from '../../core/wallet/index.ts';
import { errorText, useT } from '../i18n.ts';

/** The account's backups: its recovery words shown again (pay password), and an encrypted backup file. */
export function Backup({ account }: { account: AccountRecord }) {
  return (
    <>
      <RecoveryWords account={account} />
      <BackupFile account={account} />
    </>
  );
}

function RecoveryWords({ account }: { account: AccountRecord }) {
  const t = useT();
  const [password, setPassword] = useState('');
  const [words, setWords] = useState<string[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <section className="card" aria-labelledby="words-title">
      <h2 id="words-title">{t.recoveryWordsTitle}</h2>
      {!account.mnemonic ? <p data-testid="no-words">{account.pay ? t.noWordsKept : t.noWordsWatch}</p> : words ? (
        <>
          <p className="warning">{t.wordsShownWarning}</p>
          <ol className="words" data-testid="shown-words">{words.map((w, i) => <li key={i}>{w}</li>)}</ol>
          <button type="button" onClick={() => setWords(null)}>{t.hideWords}</button>
        </>
      ) : (
        <form onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError('');
          try {
            setWords((await openMnemonic(account, password)).split(' '));
            setPassword('');
          } catch (err) {
            setError(errorText(t, err));
          } finally {
            setBusy(false);
          }
        }}>
          <p>{t.showWordsText}</p>
          <label htmlFor="words-pay-password">{t.payPassword}</label>
          <input id="words-pay-password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
          <button type="submit" disabled={password === '' || busy}>{t.showWords}</button>
          {error && <p className="error" role="alert">{error}</p>}
        </form>
      )}
    </section>
  );
}

function BackupFile({ account }: { account: AccountRecord }) {
  const t = useT();
  const download = () => {
    const url = URL.createObjectURL(new Blob([exportBackup([account])], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `antshares-wallet-${account.address}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section className="card" aria-labelledby="file-title">
      <h2 id="file-title">{t.backupFile}</h2>
      <p>{t.backupFileText}</p>
      <button type="button" data-testid="backup-download" onClick={download}>{t.downloadBackup}</button>
    </section>
  );
}
