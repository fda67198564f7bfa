/**
 * A dedicated worker that holds the browser peer's chain: every block is checked against every
 * rule, its signatures verified (by nested verification workers, one per core, when they can
 * start), and written to IndexedDB here, so the page's thread keeps the interface and the
 * network. The page keeps a copy of the ledger, built from a snapshot at start and from each
 * block's delta after (remote-chain.ts, which also describes the messages).
 */
import { Chain } from './chain.ts';
import { encodeDelta } from './codecs.ts';
import type { NetworkSettings } from './settings.ts';
import { IdbStore } from '../store/idb.ts';
import { WorkerVerifier } from '../crypto/pool.ts';
import { setDefaultVerifier } from '../crypto/ecdsa.ts';
import type { ChainReply, ChainRequest, WireError } from './remote-chain.ts';

let chain: Chain | undefined;

const DELTAS_PER_MESSAGE = 32;
const DELTA_BYTES_PER_MESSAGE = 256 << 10;

function post(reply: ChainReply, transfer: Transferable[] = []): void {
  postMessage(reply, { transfer });
}

/** Arrays whose buffers can move to the page: each its own whole buffer (copied when not). */
function movable(arrays: Uint8Array[]): { arrays: Uint8Array[]; buffers: ArrayBuffer[] } {
  const own = arrays.map((a) => (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice()));
  return { arrays: own, buffers: own.map((a) => a.buffer as ArrayBuffer) };
}

function wireError(e: unknown): WireError {
  const err = e instanceof Error ? e : new Error(String(e));
  const { code, data, detail, what } = err as Error & { code?: string; data?: Record<string, unknown>; detail?: string; what?: string };
  return { name: err.name, message: err.message, code, data, detail, what };
}

async function handle(request: ChainRequest): Promise<void> {
  const { id } = request;
  switch (request.op) {
    case 'open': {
      const settings: NetworkSettings = request.settings;
      // One tab at a time holds a chain: another tab's worker waits for the lock (and says so).
      const lock = `antshares-chain/${request.database}`;
      if (!(await acquire(lock, true))) {
        post({ id, op: 'waiting' });
        await acquire(lock, false);
      }
      // Signatures in one worker per core; this thread keeps the rules and the writes. Checking
      // is most of a sync's work: with a worker for each core but one, on 2 cores the single
      // verification worker shared them with this thread and the page's and ran at about half
      // speed, the sync's slowest step (measured: 1,000-transfer blocks 5,300 tx/s with one
      // worker, 6,200 with two, medians of 5 alternating runs).
      setDefaultVerifier(new WorkerVerifier({ workers: Math.max(1, navigator.hardwareConcurrency ?? 2) }));
      chain = await Chain.open(await IdbStore.open(request.database), settings);
      const { arrays: chunks, buffers } = movable(chain.ledger.snapshot());
      post({ id, op: 'opened', height: chain.height, chunks }, buffers);
      return;
    }
    case 'add': {
      const c = opened();
      // Deltas go to the page in batches: one message per turn of this worker's event loop, or
      // sooner once a batch holds DELTAS_PER_MESSAGE or DELTA_BYTES_PER_MESSAGE (the page replays
      // a message in one task: a small one keeps its interface moving).
      let batch: Uint8Array[] = [];
      let bytes = 0;
      let scheduled = false;
      const send = () => {
        scheduled = false;
        const { arrays: deltas, buffers } = movable(batch);
        batch = [];
        bytes = 0;
        if (deltas.length) post({ id, op: 'deltas', deltas }, buffers);
      };
      try {
        await c.addBlocks(request.blocks, {
          flush: request.flush,
          onBlock: (_, delta, written) => {
            // A copy of the bytes being written (the copy moves to the page; the write keeps its own).
            const encoded = written?.slice() ?? encodeDelta(delta);
            batch.push(encoded);
            bytes += encoded.length;
            if (batch.length >= DELTAS_PER_MESSAGE || bytes >= DELTA_BYTES_PER_MESSAGE) send();
            else if (!scheduled) {
              scheduled = true;
              setTimeout(send, 0);
            }
          },
        });
        send();
        post({ id, op: 'done' });
      } catch (e) {
        send(); // the good blocks before the bad one
        post({ id, op: 'failed', error: wireError(e) });
      }
      return;
    }
    case 'flush':
      await opened().flush();
      post({ id, op: 'done' });
      return;
    case 'close':
      await chain?.close();
      chain = undefined;
      release();
      post({ id, op: 'done' });
      return;
  }
}

let release: () => void = () => {};

/**
 * Takes the exclusive lock `name` (Web Locks, shared by the origin's tabs) and holds it until
 * `release` or the worker's end; with `ifAvailable`, false at once when another holds it. Two
 * tabs writing one chain's database would interleave their tip markers and snapshots.
 */
function acquire(name: string, ifAvailable: boolean): Promise<boolean> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return Promise.resolve(true); // no Web Locks here: one tab is trusted to be open
  return new Promise((granted) => {
    void locks.request(name, { ifAvailable }, (lock) => {
      if (!lock) return granted(false);
      granted(true);
      return new Promise<void>((done) => {
        release = done;
      });
    });
  });
}

function opened(): Chain {
  if (!chain) throw new Error('the chain worker was not opened');
  return chain;
}

// Changes one at a time, in order: blocks are applied in the order the page sent them. Reads
// of stored blocks (a transaction's detail on screen) do not wait behind a sync.
let queue = Promise.resolve();
addEventListener('message', (event: MessageEvent<ChainRequest>) => {
  const request = event.data;
  const failed = (e: unknown) => post({ id: request.id, op: 'failed', error: wireError(e) });
  if (request.op === 'block') {
    Promise.resolve().then(() => opened().blockBytes(request.height)).then((bytes) => post({ id: request.id, op: 'block', bytes }), failed);
    return;
  }
  queue = queue.then(() => handle(request)).catch(failed);
});
