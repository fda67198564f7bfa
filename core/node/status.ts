/** What an operator (or the wallet's status bar) wants to know about a node, as plain JSON. */
import { bytesToHex } from '../encoding/bytes.ts';
import { uintToString } from '../encoding/primitives.ts';
import type { Node } from './node.ts';

export interface NodeStatus {
  network: string;
  height: number;
  tip: string;
  /** The tip block's timestamp (ISO 8601) and its age in seconds by this machine's clock. */
  lastBlockTime: string;
  lastBlockAgeSeconds: number;
  peerId: string;
  peers: number;
  /** Times the node lost its bootstrap peers and dialled them again. */
  reconnects: number;
  /** synced, syncing, stalled (with why) or offline: see Node.health. */
  health: Node['health'];
  /** Node peers whose addresses it keeps (dialled when it has too few connections). */
  knownPeers: number;
  /** The last peers this node disconnected and refused, and why. */
  bans: { peer: string; reason: string; at: string; count: number }[];
  validators: string[];
  mempool: { transactions: number; bytes: number };
  /** Present when the node validates. */
  consensus?: ReturnType<NonNullable<Node['validator']>['status']>;
}

export function nodeStatus(node: Node): NodeStatus {
  const ledger = node.chain.ledger;
  const tip = ledger.tip;
  const consensus = node.validator?.status();
  return {
    network: node.settings.name,
    height: ledger.height,
    tip: uintToString(tip.blockHash),
    lastBlockTime: new Date(tip.timestamp * 1000).toISOString(),
    lastBlockAgeSeconds: Math.max(0, Math.round(Date.now() / 1000 - tip.timestamp)),
    peerId: node.peer.node.peerId.toString(),
    peers: node.peer.connections().length,
    reconnects: node.reconnects,
    health: node.health,
    knownPeers: node.book.size,
    bans: node.peer.bans,
    validators: ledger.nextValidators().map(bytesToHex),
    mempool: { transactions: node.mempool.size, bytes: node.mempool.bytes },
    ...(consensus ? { consensus } : {}),
  };
}
