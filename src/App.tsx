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
import { loadAccounts, lock, useWallet } from './wallet/walletStore.ts';
import { useLang, useT } from './i18n.ts';

/**
 * The app shell: status bar, then onboarding (no account yet), unlock (an account, locked), or
 * the wallet. The peer starts after the first screen is drawn.
 */
/**
 * Runs `work` once the first screen is painted (the next frame) and the page is idle (at most 2 s
 * later): the peer's code, most of the app's, never delays the first screen. Returns a cancel.
 */
function afterFirstPaint(work: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    work();
  };
  let idle: number | undefined;
  const frame = requestAnimationFrame(() => {
    idle = typeof requestIdleCallback === 'function' ? requestIdleCallback(once, { timeout: 2000 }) : window.setTimeout(once, 100);
  });
  // A page opened in a background tab paints no frame: it starts its peer anyway.
  const fallback = window.setTimeout(once, 3000);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(fallback);
    if (idle !== undefined && typeof cancelIdleCallback === 'function') cancelIdleCallback(idle);
    else clearTimeout(idle);
  };
}

export function App() {
  const t = useT();
  const { lang, setLang } = useLang();
  const wallet = useWallet();
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    void loadAccounts();
    return afterFirstPaint(() => void startPeer());
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
