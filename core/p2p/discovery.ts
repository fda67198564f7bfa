/**
 * Peers find each other on the peers topic. Two kinds of announcement, each short JSON:
 * - a browser peer's: `{"addresses": [...], "inbox": [...]}`, its WebRTC addresses (each through a
 *   relay, ending in its id) and the tags of the accounts it takes offers for (offers.ts); browser
 *   peers dial a few of the announced ones;
 * - a Node peer's: `{"node": [...]}`, the WebSocket addresses where it listens (or those it was
 *   told to announce), each ending in its id: every peer keeps them in its peer book
 *   (peer-book.ts) and dials from there when it has too few connections, so that validators reach
 *   each other again after a restart, not only through the relay.
 * Every peer checks and forwards announcements; anything malformed is a DecodeError (and its
 * sender is penalised like any invalid gossip). Nobody signs an announcement: a false one only
 * costs a failed dial (the noise handshake proves the id), after which the book backs off.
 */
import { multiaddr } from '@multiformats/multiaddr';
import { DecodeError } from '../encoding/errors.ts';
import { MAX_INBOX_TAGS, isInboxTag } from './offers.ts';

/** Largest announcement, and most addresses in one. */
export const MAX_ANNOUNCEMENT = 4096;
const MAX_ADDRESSES = 8;
const MAX_ADDRESS_LENGTH = 400;

export interface Announcement {
  readonly peer: string;
  /** A browser peer's relayed WebRTC addresses, or a Node peer's direct WebSocket addresses. */
  readonly addresses: string[];
  readonly inbox: string[];
  /** True for a Node peer (direct addresses), false for a browser peer. */
  readonly direct: boolean;
}

const PEER_ID = '[1-9A-HJ-NP-Za-km-z]{40,60}';
const BROWSER = new RegExp(`/p2p-circuit/webrtc/p2p/${PEER_ID}$`);
const DIRECT = new RegExp(`^/(ip4|ip6|dns4|dns6|dns)/[^/]+/tcp/\\d{1,5}/(ws|wss|tls/ws)/p2p/${PEER_ID}$`);

function parses(address: string): boolean {
  try {
    multiaddr(address);
    return true;
  } catch {
    return false;
  }
}

/** A relayed WebRTC address naming its peer: `…/p2p/RELAY/p2p-circuit/webrtc/p2p/PEER`. */
export function isBrowserAddress(address: string): boolean {
  return address.length <= MAX_ADDRESS_LENGTH && BROWSER.test(address) && parses(address);
}

/**
 * A WebSocket address a Node peer can be dialled at, naming its peer: `/ip4/…/tcp/N/ws/p2p/ID`
 * (not the unspecified addresses 0.0.0.0 and ::, which name no host).
 */
export function isDirectAddress(address: string): boolean {
  return address.length <= MAX_ADDRESS_LENGTH && DIRECT.test(address) && !/^\/ip[46]\/(0\.0\.0\.0|::)\//.test(address) && parses(address);
}

/** A browser peer's own WebRTC addresses and inbox tags, as an announcement (null when it has no address yet). */
export function encodeAnnouncement(addresses: readonly string[], inbox: readonly string[] = []): Uint8Array | null {
  const webrtc = addresses.filter(isBrowserAddress).slice(0, MAX_ADDRESSES);
  return webrtc.length ? new TextEncoder().encode(JSON.stringify({ addresses: webrtc, inbox: inbox.slice(0, MAX_INBOX_TAGS) })) : null;
}

/** A Node peer's own dialable addresses, as an announcement (null when it has none: it does not listen). */
export function encodeNodeAnnouncement(addresses: readonly string[]): Uint8Array | null {
  const direct = addresses.filter(isDirectAddress).slice(0, MAX_ADDRESSES);
  return direct.length ? new TextEncoder().encode(JSON.stringify({ node: direct })) : null;
}

/** The announcement in `data`; a DecodeError names what is wrong with anything else. */
export function decodeAnnouncement(data: Uint8Array): Announcement {
  const fail = (why: string): never => {
    throw new DecodeError('Announcement', why);
  };
  if (data.length > MAX_ANNOUNCEMENT) fail(`${data.length} bytes, at most ${MAX_ANNOUNCEMENT}`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (e) {
    fail(`not JSON text (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not an object');
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  let addresses: string[];
  let inbox: string[] = [];
  let direct: boolean;
  if (keys.length === 1 && keys[0] === 'node') {
    const list = record.node;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ADDRESSES || !list.every((a) => typeof a === 'string' && isDirectAddress(a))) {
      return fail(`a Node peer's announcement lists 1 to ${MAX_ADDRESSES} WebSocket addresses ending in its id`);
    }
    addresses = list as string[];
    direct = true;
  } else if (keys.every((k) => k === 'addresses' || k === 'inbox')) {
    const list = record.addresses;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ADDRESSES || !list.every((a) => typeof a === 'string' && isBrowserAddress(a))) {
      return fail(`a browser peer's announcement lists 1 to ${MAX_ADDRESSES} relayed WebRTC addresses`);
    }
    if (!Array.isArray(record.inbox) || record.inbox.length > MAX_INBOX_TAGS || !record.inbox.every(isInboxTag)) {
      return fail(`an announcement's inbox is a list of up to ${MAX_INBOX_TAGS} tags of 32 hex digits`);
    }
    addresses = list as string[];
    inbox = record.inbox as string[];
    direct = false;
  } else {
    return fail('an object of addresses and inbox tags, or of a Node peer\'s addresses');
  }
  const peers = new Set(addresses.map((a) => a.slice(a.lastIndexOf('/p2p/') + 5)));
  if (peers.size !== 1) fail('an announcement names one peer');
  return { peer: [...peers][0], addresses, inbox, direct };
}
