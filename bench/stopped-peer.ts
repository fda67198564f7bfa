/**
 * Diagnostic (issue 15, the heap of a restarted peer): starts, syncs and stops a Node peer three
 * times in one process, then reports whether each stopped peer's ledger is still reachable right
 * after its stop() and at times after the last one, with a forced GC before each look.
 *   node bench/stopped-peer.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeBlock } from '../core/block/index.ts';
import { MemoryStore } from '../core/store/memory.ts';
import { Node } from '../core/node/node.ts';
import { Chain } from '../core/state/chain.ts';
import { grow, newHistory } from '../test/history.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const LISTEN = ['/ip4/127.0.0.1/tcp/0/ws'];
const history = newHistory(8);
await grow(history, 8, 100);
const settings = history.net.settings;
const source = await Chain.open(new MemoryStore(), settings);
await source.addBlocks(history.blocks.map(encodeBlock));
const server = await Node.start({ settings, store: source, listen: LISTEN });
const kept: WeakRef<object>[] = [];
const alive = () => kept.map((r) => (r.deref() === undefined ? 'released' : 'held')).join(', ');
for (let run = 0; run < 3; run++) {
  let node: Node | undefined = await Node.start({ settings, store: new MemoryStore(), listen: LISTEN, bootstrap: server.peer.addresses() });
  kept.push(new WeakRef(node.chain.ledger));
  await node.stop();
  node = undefined;
  await new Promise((r) => setTimeout(r, 0));
  gc();
  console.log(`after stop ${run + 1}: heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB; ledgers: ${alive()}`);
}
let waited = 0;
for (const ms of [100, 100, 200, 400, 800, 1600]) {
  await new Promise((r) => setTimeout(r, ms));
  waited += ms;
  gc();
  console.log(`${waited} ms after the last stop: ${alive()}`);
}
await server.stop();
