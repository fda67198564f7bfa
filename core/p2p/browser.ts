/**
 * What a browser peer adds (../shared/docs/browser-p2p.md): WebRTC to other browsers, signalled
 * through a circuit relay, with no ICE servers (public STUN hosts are unreachable here; on one
 * machine or one LAN none is needed), listening for relayed and WebRTC connections.
 * Only browser entry points import this file.
 */
import { webRTC } from '@libp2p/webrtc';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import type { PeerOptions } from './peer.ts';

export function browserPeerOptions(magic: number, local: boolean): PeerOptions {
  return {
    magic,
    listen: ['/p2p-circuit', '/webrtc'],
    transports: [webRTC({ rtcConfiguration: { iceServers: [] } }), circuitRelayTransport()],
    allowLocalDials: local,
  };
}
