import { useEffect, useState } from 'react';
import { AddressTool } from './components/AddressTool.tsx';
import { DecodeTool } from './components/DecodeTool.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { Onboarding } from './components/Onboarding.tsx';
import { Unlock } from './components/Unlock.tsx';
import { Wallet } from './components/Wallet.tsx';
import { Guard } from './components/Guard.tsx';
import { useOfferLink } from './components/Contracts.tsx';
import { startPeer } from './peer/browserNode.ts';
import { whenQuiet } from './peer/when-quiet.ts';
import { loadAccounts, lock, useWallet } from './wallet/walletStore.ts';
import { useLang, useT } from './i18n.ts';

/**
 * The app shell: status bar, then onboarding (no account yet), unlock (an account, locked), or
 * the wallet. The peer starts once the first screen is drawn and the page is quiet
 * (peer/when-quiet.ts), or at once when the unlocked wallet needs the chain.
 */
export function App() {
  const t = useT();
  const { lang, setLang } = useLang();
  const wallet = useWallet();
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    void loadAccounts();
    return whenQuiet((why) => void startPeer(why));
  }, []);
  const account = wallet.accounts.find((a) => a.address === wallet.current);
  const badLink = useOfferLink((s) => s.damaged);
  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>{t.appName}</h1>
          <p className="tagline">{t.tagline}</p>
        </div>
        <div className="header-actions">
          <label className="choice">
            <span className="sr-only">{t.language}</span>
            <select aria-label={t.language} value={lang} onChange={(e) => setLang(e.target.value as 'zh' | 'en')}>
              <option value="zh">中文</option>
              <option value="en">English</option>
            </select>
          </label>
          {wallet.queryKey && <button type="button" className="secondary" onClick={lock}>{t.lock}</button>}
        </div>
      </header>
      <StatusBar />
      <main>
        {badLink && <p className="error card" role="alert" data-testid="bad-link">{t.badOfferLink}</p>}
        <Guard resetKey={`${wallet.current} ${adding}`}>
          {!wallet.loaded ? <div className="card placeholder" aria-hidden="true" /> /* the space the first screen takes: nothing below it moves */
            : wallet.accounts.length === 0 || adding ? <Onboarding onDone={(address) => { setAdding(false); useWallet.setState({ current: address }); }} />
            : !wallet.queryKey || !account ? <Unlock onAdd={() => setAdding(true)} />
            : <Wallet account={account} queryKey={wallet.queryKey} />}
        </Guard>
        <details className="tools">
          <summary>{t.tools}</summary>
          <Guard>
            <AddressTool />
            <DecodeTool />
          </Guard>
        </details>
      </main>
    </div>
  );
}
