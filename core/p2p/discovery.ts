/**
 * Browser peers find each other: a browser peer with a WebRTC address (reached through a circuit
 * relay) announces it on the peers topic now and then; every peer checks and forwards
 * announcements, and browser peers dial a few of the announced ones. An announcement is a short
 * JSON list of multiaddresses, each through a relay to WebRTC and ending in the announcer's id;
 * anything else is rejected (and its sender penalised like any invalid gossip).
 */
import { multiaddr } from '@multiformats/multiaddr';

/** Largest announcement, and most addresses in one. */
export const MAX_ANNOUNCEMENT = 2048;
const MAX_ADDRESSES = 8;

/** The WebRTC addresses of a peer's own, as an announcement (null when it has none yet). */
export function encodeAnnouncement(addresses: readonly string[]): Uint8Array | null {
  const webrtc = addresses.filter(isBrowserAddress).slice(0, MAX_ADDRESSES);
  return webrtc.length ? new TextEncoder().encode(JSON.stringify(webrtc)) : null;
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
export function decodeAnnouncement(data: Uint8Array): { peer: string; addresses: string[] } {
  if (data.length > MAX_ANNOUNCEMENT) throw new RangeError(`an announcement of ${data.length} bytes`);
  const list: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ADDRESSES || !list.every((a) => typeof a === 'string' && isBrowserAddress(a))) {
    throw new RangeError('an announcement is a list of 1 to 8 relayed WebRTC addresses');
  }
  const peers = new Set(list.map((a: string) => a.slice(a.lastIndexOf('/p2p/') + 5)));
  if (peers.size !== 1) throw new RangeError('an announcement names one peer');
  return { peer: [...peers][0], addresses: list };
}
