/**
 * The network the app joins: `network.json`, served beside the app by `npm start` (genesis
 * settings, bootstrap peers, faucet). The last copy is kept in localStorage, so the wallet opens
 * offline on the chain it knows.
 */
import type { NetworkFile } from '../../core/state/settings.ts';

export interface NetworkConfig extends NetworkFile {
  /** Multiaddresses of the peers to dial first (the local network's relay). */
  readonly bootstrap: string[];
  /** The faucet's endpoint, relative to the app (local networks only). */
  readonly faucet?: string;
}

const SAVED = 'network.json';

export async function loadNetworkConfig(): Promise<NetworkConfig | null> {
  try {
    const res = await fetch('./network.json', { cache: 'no-store' });
    if (res.ok) {
      const config = (await res.json()) as NetworkConfig;
      localStorage.setItem(SAVED, JSON.stringify(config));
      return config;
    }
  } catch {
    // offline: the saved copy below
  }
  const saved = localStorage.getItem(SAVED);
  return saved ? (JSON.parse(saved) as NetworkConfig) : null;
}
