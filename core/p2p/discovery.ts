/**
 * Browser peers find each other: a browser peer with a WebRTC address (reached through a circuit
 * relay) announces it on the peers topic now and then; every peer checks and forwards
 * announcements, and browser peers dial a few of the announced ones. An announcement is short
 * JSON: `{"addresses": [...], "inbox": [...]}`, the multiaddresses each through a relay to WebRTC
 * and ending in the announcer's id, the inbox the tags of the accounts it takes offers for
 * (offers.ts); anything else is rejected (and its sender penalised like any invalid gossip).
 */
import { multiaddr } from '@multiformats/multiaddr';
import { MAX_INBOX_TAGS, isInboxTag } from './offers.ts';

/** Largest announcement, and most addresses in one. */
export const MAX_ANNOUNCEMENT = 4096;
const MAX_ADDRESSES = 8;

export interface Announcement {
  readonly peer: string;
  readonly addresses: string[];
  readonly inbox: string[];
}

/** A peer's own WebRTC addresses and inbox tags, as an announcement (null when it has no address yet). */
export function encodeAnnouncement(addresses: readonly string[], inbox: readonly string[] = []): Uint8Array | null {
  const webrtc = addresses.filter(isBrowserAddress).slice(0, MAX_ADDRESSES);
  return webrtc.length ? new TextEncoder().encode(JSON.stringify({ addresses: webrtc, inbox: inbox.slice(0, MAX_INBOX_TAGS) })) : null;
}

/** A relayed WebRTC address naming its peer: `…/p2p/RELAY/p2p-circuit/webrtc/p2p/PEER`. */
export function isBrowserAddress(address: string): boolean {
  if (address.length > 400 || !/\/p2p-circuit\/webrtc\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(address)) return false;
  try {
    multiaddr(address);
    return true;
  } catch {
    return false;
  }
}

/** The addresses of an announcement; throws on anything malformed. */
export function decodeAnnouncement(data: Uint8Array): Announcement {
  if (data.length > MAX_ANNOUNCEMENT) throw new RangeError(`an announcement of ${data.length} bytes`);
  const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).some((k) => k !== 'addresses' && k !== 'inbox')) {
    throw new RangeError('an announcement is an object of addresses and inbox tags');
  }
  const { addresses: list, inbox } = value as { addresses?: unknown; inbox?: unknown };
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ADDRESSES || !list.every((a) => typeof a === 'string' && isBrowserAddress(a))) {
    throw new RangeError('an announcement lists 1 to 8 relayed WebRTC addresses');
  }
  if (!Array.isArray(inbox) || inbox.length > MAX_INBOX_TAGS || !inbox.every(isInboxTag)) {
    throw new RangeError(`an announcement's inbox is a list of up to ${MAX_INBOX_TAGS} tags of 32 hex digits`);
  }
  const peers = new Set(list.map((a: string) => a.slice(a.lastIndexOf('/p2p/') + 5)));
  if (peers.size !== 1) throw new RangeError('an announcement names one peer');
  return { peer: [...peers][0], addresses: list, inbox };
}
