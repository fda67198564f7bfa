import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { backupCheckPositions, createAccount, createWatchAccount, importBackup, isValidMnemonic, newMnemonic, normalizeMnemonic, passwordStrength } from '../../core/wallet/index.ts';
import { hexToBytes } from '../../core/encoding/bytes.ts';
import { privateKeyFromWif } from '../../core/crypto/keys.ts';
import { saveAccount, unlock, useWallet } from '../wallet/walletStore.ts';
import { errorText, useT } from '../i18n.ts';

type Step = 'choose' | 'words' | 'check' | 'restore' | 'passwords' | 'watch' | 'file';

/** A step's heading, which takes the focus when the step opens: keyboard and screen reader users start there, not back at the page's top. */
function StepHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return <h3 ref={ref} tabIndex={-1} className="step-heading">{children}</h3>;
}

/** Create (words shown once, then checked) or restore; then the two passwords. */
export function Onboarding({ onDone, addressVersion }: { onDone: (address: string) => void; addressVersion?: number }) {
  const t = useT();
  const [step, setStep] = useState<Step>('choose');
  const [mnemonic, setMnemonic] = useState('');
  const [checked, setChecked] = useState(false);
  return (
    <section className="card onboarding" aria-labelledby="onboarding-title">
      <h2 id="onboarding-title">{t.welcome}</h2>
      {step === 'choose' && (
        <>
          <p>{t.welcomeText}</p>
          <div className="actions">
            <button type="button" onClick={() => { setMnemonic(newMnemonic()); setStep('words'); }}>{t.createWallet}</button>
            <button type="button" className="secondary" onClick={() => setStep('restore')}>{t.restoreWallet}</button>
            <button type="button" className="secondary" onClick={() => setStep('file')}>{t.restoreFile}</button>
            <button type="button" className="secondary" onClick={() => setStep('watch')}>{t.importWatch}</button>
          </div>
        </>
      )}
      {step === 'words' && <Words mnemonic={mnemonic} onNext={() => setStep('check')} />}
      {step === 'check' && (
        <BackupCheck mnemonic={mnemonic} onPassed={() => { setChecked(true); setStep('passwords'); }} onLater={() => setStep('passwords')} />
      )}
      {step === 'restore' && <Restore onNext={(m) => { setMnemonic(m); setChecked(true); setStep('passwords'); }} />}
      {step === 'watch' && <WatchImport onDone={onDone} />}
      {step === 'passwords' && <Passwords mnemonic={mnemonic} checked={checked} addressVersion={addressVersion} onDone={onDone} />}
      {step === 'file' && <RestoreFile onDone={onDone} />}
    </section>
  );
}

function Words({ mnemonic, onNext }: { mnemonic: string; onNext: () => void }) {
  const t = useT();
  return (
    <>
      <StepHeading>{t.recoveryWords}</StepHeading>
      <p>{t.recoveryWordsText}</p>
      <ol className="words" data-testid="mnemonic">
        {mnemonic.split(' ').map((w, i) => <li key={i}>{w}</li>)}
      </ol>
      <button type="button" onClick={onNext}>{t.wroteThemDown}</button>
    </>
  );
}

/** Asks for three words of the phrase, at random positions. */
export function BackupCheck({ mnemonic, onPassed, onLater }: { mnemonic: string; onPassed: () => void; onLater?: () => void }) {
  const t = useT();
  const words = mnemonic.split(' ');
  const positions = useMemo(() => backupCheckPositions(words.length), [words.length]);
  const [answers, setAnswers] = useState<string[]>(positions.map(() => ''));
  const [wrong, setWrong] = useState(false);
  const submit = () => {
    const ok = positions.every((p, i) => answers[i].trim().toLowerCase() === words[p]);
    setWrong(!ok);
    if (ok) onPassed();
  };
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <StepHeading>{t.checkBackup}</StepHeading>
      <p>{t.checkBackupText}</p>
      {positions.map((p, i) => (
        <div key={p}>
          <label htmlFor={`word-${p}`}>{t.word} {p + 1}</label>
          <input id={`word-${p}`} data-position={p + 1} autoComplete="off" spellCheck={false} value={answers[i]}
            onChange={(e) => setAnswers(answers.map((a, j) => (j === i ? e.target.value : a)))} />
        </div>
      ))}
      {wrong && <p className="error" role="alert">{t.backupWrong}</p>}
      <div className="actions">
        <button type="submit">{t.check}</button>
        {onLater && <button type="button" className="secondary" onClick={onLater}>{t.backupLater}</button>}
      </div>
    </form>
  );
}

function Restore({ onNext }: { onNext: (mnemonic: string) => void }) {
  const t = useT();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  return (
    <form onSubmit={(e) => {
      e.preventDefault();
      if (isValidMnemonic(text)) onNext(normalizeMnemonic(text));
      else setError(t.errors.WALLET_MNEMONIC_INVALID);
    }}>
      <StepHeading>{t.restoreWallet}</StepHeading>
      <label htmlFor="restore-words">{t.enterWords}</label>
      <textarea id="restore-words" rows={3} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit">{t.restoreWallet}</button>
    </form>
  );
}

function Strength({ password }: { password: string }) {
  const t = useT();
  const s = passwordStrength(password);
  return <span className={`strength s${s}`}>{password ? t.strength[s] : ''}</span>;
}

function Passwords({ mnemonic, checked, addressVersion, onDone }: { mnemonic: string; checked: boolean; addressVersion?: number; onDone: (address: string) => void }) {
  const t = useT();
  const [name, setName] = useState('Main');
  const [query, setQuery] = useState('');
  const [pay, setPay] = useState('');
  const [query2, setQuery2] = useState('');
  const [pay2, setPay2] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async () => {
    // Each typed twice: a mistyped pay password would leave only the recovery words to sign with.
    if (query !== query2 || pay !== pay2) return setError(query !== query2 ? t.repeatDiffers(t.queryPassword) : t.repeatDiffers(t.payPassword));
    setBusy(true);
    setError('');
    try {
      // The words stay sealed under the pay password, to be shown again (Backup tab); checked now, or later.
      const record = await createAccount({ mnemonic, queryPassword: query, payPassword: pay, label: name, addressVersion });
      await saveAccount(checked ? { ...record, backupChecked: Date.now() } : record);
      await unlock(record.address, query);
      onDone(record.address);
    } catch (e) {
      setError(errorText(t, e));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <StepHeading>{t.passwords}</StepHeading>
      <p>{t.passwordsText}</p>
      <label htmlFor="account-name">{t.accountName}</label>
      <input id="account-name" value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="query-password">{t.queryPassword} <Strength password={query} /></label>
      <input id="query-password" type="password" autoComplete="new-password" value={query} onChange={(e) => setQuery(e.target.value)} />
      <label htmlFor="pay-password">{t.payPassword} <Strength password={pay} /></label>
      <input id="pay-password" type="password" autoComplete="new-password" value={pay} onChange={(e) => setPay(e.target.value)} />
      <label htmlFor="query-password-2">{t.repeatQuery}</label>
      <input id="query-password-2" type="password" autoComplete="new-password" value={query2} onChange={(e) => setQuery2(e.target.value)} />
      <label htmlFor="pay-password-2">{t.repeatPay}</label>
      <input id="pay-password-2" type="password" autoComplete="new-password" value={pay2} onChange={(e) => setPay2(e.target.value)} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>{busy ? t.creating : t.create}</button>
    </form>
  );
}

/** A query-only account from the query private key and both public keys: sees everything, signs nothing. */
function WatchImport({ onDone }: { onDone: (address: string) => void }) {
  const t = useT();
  const [queryKey, setQueryKey] = useState('');
  const [payPub, setPayPub] = useState('');
  const [queryPub, setQueryPub] = useState('');
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [name, setName] = useState('Watch');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form onSubmit={async (e) => {
      e.preventDefault();
      if (password !== password2) return setError(t.repeatDiffers(t.queryPassword));
      setBusy(true);
      setError('');
      try {
        const key = /^[0-9a-fA-F]{64}$/.test(queryKey.trim()) ? hexToBytes(queryKey.trim()) : privateKeyFromWif(queryKey.trim());
        const record = await createWatchAccount({ queryPrivateKey: key, payPublicKey: hexToBytes(payPub.trim()), queryPublicKey: hexToBytes(queryPub.trim()), queryPassword: password, label: name });
        await saveAccount(record);
        await unlock(record.address, password);
        onDone(record.address);
      } catch (err) {
        setError(errorText(t, err));
        setBusy(false);
      }
    }}>
      <StepHeading>{t.importWatch}</StepHeading>
      <p className="hint">{t.watchWarning}</p>
      <label htmlFor="watch-query-key">{t.queryPrivateKey}</label>
      <input id="watch-query-key" type="password" autoComplete="off" value={queryKey} onChange={(e) => setQueryKey(e.target.value)} />
      <label htmlFor="watch-pay-pub">{t.payPublicKey}</label>
      <input id="watch-pay-pub" value={payPub} onChange={(e) => setPayPub(e.target.value)} spellCheck={false} />
      <label htmlFor="watch-query-pub">{t.queryPublicKey}</label>
      <input id="watch-query-pub" value={queryPub} onChange={(e) => setQueryPub(e.target.value)} spellCheck={false} />
      <label htmlFor="account-name-watch">{t.accountName}</label>
      <input id="account-name-watch" value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="watch-password">{t.queryPassword}</label>
      <input id="watch-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <label htmlFor="watch-password-2">{t.repeatQuery}</label>
      <input id="watch-password-2" type="password" autoComplete="new-password" value={password2} onChange={(e) => setPassword2(e.target.value)} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>{busy ? t.creating : t.importWatch}</button>
    </form>
  );
}

/** Accounts from a backup file (Backup tab); the unlock screen then opens the first with its query password. */
function RestoreFile({ onDone }: { onDone: (address: string) => void }) {
  const t = useT();
  const [error, setError] = useState('');
  return (
    <form onSubmit={(e) => e.preventDefault()}>
      <StepHeading>{t.restoreFile}</StepHeading>
      <p>{t.restoreFileText}</p>
      <label htmlFor="backup-file">{t.backupFileLabel}</label>
      <input id="backup-file" type="file" accept="application/json,.json" onChange={async (e) => {
        setError('');
        const file = e.target.files?.[0];
        if (!file) return;
        try {
          const accounts = importBackup(await file.text()); // all checked before any is saved
          useWallet.setState({ current: accounts[0].address });
          for (const a of accounts) await saveAccount(a);
          onDone(accounts[0].address);
        } catch (err) {
          setError(errorText(t, err));
        }
      }} />
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
