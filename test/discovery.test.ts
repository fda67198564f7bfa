import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecodeError } from '../core/encoding/errors.ts';
import { decodeAnnouncement, encodeAnnouncement, encodeNodeAnnouncement, isBrowserAddress, isDirectAddress } from '../core/p2p/discovery.ts';
import { PeerBook } from '../core/p2p/peer-book.ts';
import { inboxTag } from '../core/p2p/offers.ts';

const RELAY = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp';
const PEER = '12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE';
const webrtc = `/ip4/127.0.0.1/tcp/4001/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`;

describe('peer announcements', () => {
  it('carry only relayed WebRTC addresses of one peer', () => {
    const data = encodeAnnouncement([`/ip4/127.0.0.1/tcp/4001/ws/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`, webrtc]);
    expect(decodeAnnouncement(data!)).toEqual({ peer: PEER, addresses: [webrtc], inbox: [], direct: false });
    const tag = inboxTag(new Uint8Array(20).fill(7), PEER);
    expect(tag).toMatch(/^[0-9a-f]{32}$/);
    expect(tag).not.toBe(inboxTag(new Uint8Array(20).fill(7), RELAY)); // the same account at another peer
    expect(decodeAnnouncement(encodeAnnouncement([webrtc], [tag])!)).toEqual({ peer: PEER, addresses: [webrtc], inbox: [tag], direct: false });
    expect(encodeAnnouncement(['/ip4/127.0.0.1/tcp/4001/ws'])).toBeNull();
    expect(isBrowserAddress(webrtc)).toBe(true);
    expect(isBrowserAddress(`/ip4/10.0.0.1/tcp/1/ws/p2p/${PEER}`)).toBe(false);
  });

  it("carry a Node peer's dialable WebSocket addresses, not its unspecified ones", () => {
    const direct = `/ip4/10.77.0.11/tcp/4001/ws/p2p/${PEER}`;
    const data = encodeNodeAnnouncement([`/ip4/0.0.0.0/tcp/4001/ws/p2p/${PEER}`, direct, webrtc]);
    expect(decodeAnnouncement(data!)).toEqual({ peer: PEER, addresses: [direct], inbox: [], direct: true });
    expect(encodeNodeAnnouncement([`/ip4/0.0.0.0/tcp/4001/ws/p2p/${PEER}`])).toBeNull();
    expect(isDirectAddress(direct)).toBe(true);
    expect(isDirectAddress(`/ip4/127.0.0.1/tcp/4001/ws`)).toBe(false); // no id: cannot be checked by the handshake
  });

  it('refuse anything else with a DecodeError, never a RangeError, TypeError or SyntaxError (issue 15)', () => {
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    for (const bad of [null, 1, 'x', [], { node: [] }, { node: ['/ip4/1.2.3.4/tcp/1/ws'] }, { node: [webrtc] }, { node: [`/ip4/1.2.3.4/tcp/1/ws/p2p/${PEER}`, `/ip4/1.2.3.4/tcp/1/ws/p2p/${RELAY}`] }, { node: 5 }, { addresses: 5, inbox: [] }]) {
      expect(() => decodeAnnouncement(enc(bad))).toThrow(DecodeError);
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      try {
        decodeAnnouncement(bytes);
      } catch (e) {
        return e instanceof DecodeError;
      }
      return true;
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      try {
        decodeAnnouncement(enc(value));
      } catch (e) {
        return e instanceof DecodeError;
      }
      return true;
    }), { numRuns: 2000 });
  });

  it('a peer book keeps the newest address first, backs off failed dials, and reads back what it wrote', () => {
    const book = new PeerBook(2);
    const at = (port: number, id = PEER) => `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${id}`;
    expect(book.add(PEER, [at(1)], 1000)).toBe(true);
    expect(book.add(PEER, [at(2)], 2000)).toBe(true); // restarted on another port
    expect(book.entries()[0].addresses).toEqual([at(2), at(1)]);
    expect(book.add(PEER, [at(3, RELAY)], 2000)).toBe(false); // an address naming another peer
    book.failed(PEER, 3000);
    expect(book.due(new Set(), 5, 3000)).toEqual([]);
    expect(book.due(new Set(), 5, 5001).map((e) => e.id)).toEqual([PEER]);
    book.failed(PEER, 6000); // twice as long
    expect(book.due(new Set(), 5, 9000)).toEqual([]);
    expect(book.due(new Set(), 5, 10_001).length).toBe(1);
    book.add(RELAY, [at(9, RELAY)], 4000);
    const third = '12D3KooWPjceQrSwdWXPyLLeABRXmuqt69Rg3sBYbU1Nft9HyQ6X';
    book.add(third, [at(7, third)], 5000); // the book holds 2: the least recently seen goes
    expect(book.entries().map((e) => e.id).sort()).toEqual([RELAY, third].sort());
    const back = PeerBook.decode(book.encode());
    expect(back.entries().map((e) => [e.id, e.addresses])).toEqual(book.entries().map((e) => [e.id, e.addresses]));
    expect(() => PeerBook.decode(new TextEncoder().encode('{'))).toThrow(DecodeError);
  });

  it('refuse anything else', () => {
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    for (const bad of [
      enc([]), enc({ a: 1 }), enc([webrtc]), enc({ addresses: ['/ip4/1.2.3.4/tcp/1'], inbox: [] }),
      enc({ addresses: [webrtc, webrtc.replace(PEER, RELAY)], inbox: [] }), enc({ addresses: Array(9).fill(webrtc), inbox: [] }),
      enc({ addresses: [webrtc] }), enc({ addresses: [webrtc], inbox: ['xyz'] }), enc({ addresses: [webrtc], inbox: Array(17).fill('0'.repeat(32)) }),
      enc({ addresses: [webrtc], inbox: [], extra: 1 }),
      Uint8Array.of(0xff, 0xfe), new TextEncoder().encode('not json'), new Uint8Array(4097).fill(0x20),
    ]) {
      expect(() => decodeAnnouncement(bad)).toThrow();
    }
  });
});
