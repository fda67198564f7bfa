import { describe, expect, it } from 'vitest';
import { decodeAnnouncement, encodeAnnouncement, isBrowserAddress } from '../core/p2p/discovery.ts';
import { inboxTag } from '../core/p2p/offers.ts';

const RELAY = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp';
const PEER = '12D3KooWRBhwfeP2Y4TCx1SM6s9rUoHhR5STiGwxBhgFRcw3UERE';
const webrtc = `/ip4/127.0.0.1/tcp/4001/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`;

describe('browser peer announcements', () => {
  it('carry only relayed WebRTC addresses of one peer', () => {
    const data = encodeAnnouncement([`/ip4/127.0.0.1/tcp/4001/ws/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`, webrtc]);
    expect(decodeAnnouncement(data!)).toEqual({ peer: PEER, addresses: [webrtc], inbox: [] });
    const tag = inboxTag(new Uint8Array(20).fill(7), PEER);
    expect(tag).toMatch(/^[0-9a-f]{32}$/);
    expect(tag).not.toBe(inboxTag(new Uint8Array(20).fill(7), RELAY)); // the same account at another peer
    expect(decodeAnnouncement(encodeAnnouncement([webrtc], [tag])!)).toEqual({ peer: PEER, addresses: [webrtc], inbox: [tag] });
    expect(encodeAnnouncement(['/ip4/127.0.0.1/tcp/4001/ws'])).toBeNull();
    expect(isBrowserAddress(webrtc)).toBe(true);
    expect(isBrowserAddress(`/ip4/10.0.0.1/tcp/1/ws/p2p/${PEER}`)).toBe(false);
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
