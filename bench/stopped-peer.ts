/**
 * Diagnostic (issue 15, the heap of a restarted peer): starts, syncs and stops a Node peer three
 * times in one process and reports, for each, how long after its stop() resolved its ledger was
 * collected (a FinalizationRegistry watches it: a WeakRef's deref() would itself keep the ledger
 * alive until the end of the job), forcing a GC every 50 ms.
 *   node bench/stopped-peer.ts            (BLOCKS=2000 for a longer chain)
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
const BLOCKS = Number(process.env.BLOCKS ?? 100);
const history = newHistory(8);
await grow(history, 8, BLOCKS);
const settings = history.net.settings;
const source = await Chain.open(new MemoryStore(), settings);
await source.addBlocks(history.blocks.map(encodeBlock));
const server = await Node.start({ settings, store: source, listen: LISTEN });
const stoppedAt: number[] = [];
const collectedAfter: (number | undefined)[] = [];
const registry = new FinalizationRegistry<number>((run) => (collectedAfter[run] = performance.now() - stoppedAt[run]!));
/** One peer's life, in a function of its own so that no frame of this script still holds it. */
async function startAndStop(run: number): Promise<void> {
  const node = await Node.start({ settings, store: new MemoryStore(), listen: LISTEN, bootstrap: server.peer.addresses() });
  registry.register(node.chain.ledger, run);
  await node.stop();
  stoppedAt[run] = performance.now();
}
const waitFor = async (done: () => boolean, ms: number) => {
  for (let waited = 0; waited < ms && !done(); waited += 50) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
};
for (let run = 0; run < 3; run++) {
  await startAndStop(run);
  await waitFor(() => collectedAfter[run] !== undefined, 2000);
}
await waitFor(() => collectedAfter.filter((t) => t !== undefined).length === 3, 5000);
console.log(`${BLOCKS} blocks; heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB at the end`);
for (let run = 0; run < 3; run++) {
  const t = collectedAfter[run];
  console.log(`peer ${run + 1}: ledger ${t === undefined ? 'still held (2 s after its stop, then 5 s after the last)' : `collected ${Math.round(t)} ms after its stop() resolved`}`);
}
await server.stop();
