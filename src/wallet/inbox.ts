/**
 * Contract offers other wallets sent straight to this browser (core/p2p/offers.ts). Receiving
 * is off until the user turns it on, since it tells peers who know an address that this browser
 * holds it. Offers are public data (a transaction signed by its proposer): kept in localStorage,
 * newest first, so that one received while the wallet was locked waits for it.
 */
import { create } from 'zustand';

export interface ReceivedOffer {
  readonly text: string;
  /** The sending peer's id. */
  readonly from: string;
  readonly at: number;
}

const ENABLED = 'offers.receive';
const LIST = 'offers.inbox';
/** Most offers kept; the oldest go first. */
const MAX_KEPT = 20;

function load(): ReceivedOffer[] {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(LIST) ?? '[]') as ReceivedOffer[];
  } catch {
    return [];
  }
}

export const useInbox = create<{ enabled: boolean; offers: ReceivedOffer[] }>(() => ({
  enabled: globalThis.localStorage?.getItem(ENABLED) === '1',
  offers: load(),
}));

function keep(offers: ReceivedOffer[]): void {
  localStorage.setItem(LIST, JSON.stringify(offers));
  useInbox.setState({ offers });
}

export function setReceiving(enabled: boolean): void {
  localStorage.setItem(ENABLED, enabled ? '1' : '0');
  useInbox.setState({ enabled });
}

/** Keeps an offer (the same text twice is kept once, as the newest). */
export function receiveOffer(text: string, from: string): void {
  keep([{ text, from, at: Date.now() }, ...useInbox.getState().offers.filter((o) => o.text !== text)].slice(0, MAX_KEPT));
}

export function dismissOffer(text: string): void {
  keep(useInbox.getState().offers.filter((o) => o.text !== text));
}
