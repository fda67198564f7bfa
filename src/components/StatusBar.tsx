import { useEffect, useState } from 'react';
import { usePeer } from '../peer/browserNode.ts';
import { useT } from '../i18n.ts';

/**
 * Peers, height, sync state and last block age; while syncing, a progress bar with rate and time
 * left. Screen readers hear the phase when it changes, not every second's figures.
 */
export function StatusBar() {
  const t = useT();
  const p = usePeer();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const state = { loading: t.connecting, connecting: t.connecting, offline: t.offline, syncing: t.syncing, synced: t.synced, stalled: t.stalled, 'no-network': t.noNetwork, 'other-tab': t.otherTab, error: t.offline }[p.phase];
  const why = p.phase === 'stalled' && p.reason ? { NO_PEERS: t.stallNoPeers, ASKING_PEERS: t.stallAsking, GOSSIP_SILENT: t.stallGossip, NO_NEWER_BLOCK: t.stallNoNewer }[p.reason] : undefined;
  const age = p.lastBlockAt ? Math.max(0, Math.round((now - p.lastBlockAt) / 1000)) : null;
  const behind = Math.max(0, p.best - p.height);
  const left = p.rate > 0 && behind > 0 ? Math.ceil(behind / p.rate) : null;
  return (
    <aside className="status-bar" aria-label={t.networkStatus} data-testid="status" data-phase={p.phase} data-height={p.height} data-start-height={p.startHeight} data-browsers={p.browsers}>
      <span className={`dot ${p.phase}`} aria-hidden="true" />
      {/* Only the phase and its reason are announced (a live region), not the ticking figures beside it. */}
      <span data-testid="status-state" role="status">{state}{why && <span className="why"> · {why}</span>}</span>
      <span>{t.peers} {p.peers}{p.browsers > 0 && ` (${t.browsers} ${p.browsers})`}</span>
      <span>{t.height} {p.height < 0 ? '–' : p.height}</span>
      {age !== null && <span>{t.lastBlock} {age}{t.secondsAgo}</span>}
      {p.phase === 'syncing' && p.best > 0 && (
        <span className="sync">
          <progress max={p.best} value={Math.max(0, p.height)} aria-label={t.syncing} />
          {p.rate > 0 && <span>{p.rate.toFixed(1)} {t.blocksPerSecond}</span>}
          {left !== null && <span>{left}s {t.timeLeft}</span>}
        </span>
      )}
      {p.error && <span className="error">{p.error}</span>}
    </aside>
  );
}
