/**
 * The browser peer's chain, checked and stored in a worker (chain-worker.ts): the page sends
 * blocks as received, the worker applies each against every rule, verifies its signatures and
 * writes it to IndexedDB, and sends back each block's delta, which the page replays on its copy
 * of the ledger (no rule checked twice, no signature verified here). The page's copy is what the
 * wallet's screens and the transaction pool read; it starts from a snapshot the worker sends once
 * opened.
 *
 * Messages, page to worker: `open` (database name, settings), `add` (block bytes, moved; whether
 * to wait for the disk), `flush`, `block` (a height), `close`. Worker to page, by request id:
 * `waiting` (another tab holds the chain; the open goes on once it closes), `opened` (height,
 * snapshot chunks), `deltas` (encoded, moved; any number before the end of an
 * `add`), `block` (bytes), `done`, `failed` (the error, rebuilt here with its class and code, so a
 * bad block still marks its sender as misbehaving).
 */
import { DecodeError, ProtocolError } from '../encoding/errors.ts';
import { decodeBlock, encodeBlock, type Block } from '../block/block.ts';
import { Ledger } from './ledger.ts';
import type { Delta } from './tables.ts';
import { decodeDelta } from './codecs.ts';
import { StoreError, type AddBlockOptions, type AddBlocksOptions, type ChainLike } from './chain.ts';
import type { NetworkSettings } from './settings.ts';

export type ChainRequest =
  | { id: number; op: 'open'; database: string; settings: NetworkSettings }
  | { id: number; op: 'add'; blocks: Uint8Array[]; flush: boolean }
  | { id: number; op: 'flush' }
  | { id: number; op: 'block'; height: number }
  | { id: number; op: 'close' };

/** An error as it crosses from the worker: enough to rebuild its class, code and data. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  data?: Record<string, unknown>;
  detail?: string;
  what?: string;
}

export type ChainReply =
  | { id: number; op: 'opened'; height: number; chunks: Uint8Array[] }
  /** Another tab holds this chain: the worker waits for it to close. */
  | { id: number; op: 'waiting' }
  | { id: number; op: 'deltas'; deltas: Uint8Array[] }
  | { id: number; op: 'block'; bytes: Uint8Array | undefined }
  | { id: number; op: 'done' }
  | { id: number; op: 'failed'; error: WireError };

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function rebuild(e: WireError): Error {
  if (e.name === 'ProtocolError' && e.code) return new ProtocolError(e.code, e.detail ?? e.message, e.data ?? {});
  if (e.name === 'DecodeError' && e.what) return new DecodeError(e.what, e.message.slice(e.what.length + 2));
  if (e.name === 'StoreError') return new StoreError(e.message);
  return Object.assign(new Error(e.message), { name: e.name });
}

interface Waiting {
  resolve: (reply: ChainReply) => void;
  reject: (e: Error) => void;
  onDeltas?: (deltas: Uint8Array[]) => void;
  onWaiting?: () => void;
}

/** The page's end of the worker: requests waiting for their answers, and the failure that ended it. */
interface Link {
  readonly waiting: Map<number, Waiting>;
  failed?: Error;
  readonly onFailure?: (e: Error) => void;
}

/** The chain can no longer be written (a write failed, the worker died): every later request fails with `e`. */
function fail(link: Link, e: Error): void {
  if (link.failed) return;
  link.failed = e;
  link.onFailure?.(e);
}

export class RemoteChain implements ChainLike {
  readonly inWorker = true;
  readonly ledger: Ledger;
  readonly settings: NetworkSettings;
  readonly #worker: Worker;
  readonly #link: Link;
  #next = 1;

  private constructor(worker: Worker, settings: NetworkSettings, ledger: Ledger, link: Link) {
    this.#worker = worker;
    this.settings = settings;
    this.ledger = ledger;
    this.#link = link;
  }

  /**
   * Opens the chain of `settings` in the IndexedDB database `database`, in `worker` (a
   * chain-worker.ts). While another tab holds that chain, `onWaiting` is called and the open
   * waits for it. `onFailure` hears once of a failure that stops the chain (a write refused, the
   * worker gone): every request after it fails with the same StoreError.
   */
  static async open(worker: Worker, database: string, settings: NetworkSettings, options: { onWaiting?: () => void; onFailure?: (e: Error) => void } = {}): Promise<RemoteChain> {
    const link: Link = { waiting: new Map(), onFailure: options.onFailure };
    const { waiting } = link;
    worker.addEventListener('message', (event: MessageEvent<ChainReply>) => {
      const reply = event.data;
      const w = waiting.get(reply.id);
      if (!w) return;
      if (reply.op === 'deltas') return w.onDeltas?.(reply.deltas);
      if (reply.op === 'waiting') return w.onWaiting?.();
      waiting.delete(reply.id);
      if (reply.op !== 'failed') return w.resolve(reply);
      const e = rebuild(reply.error);
      if (e instanceof StoreError) fail(link, e);
      w.reject(e);
    });
    worker.addEventListener('error', (event) => {
      fail(link, new StoreError(`the chain worker failed: ${event.message}`));
      for (const w of waiting.values()) w.reject(link.failed!);
      waiting.clear();
    });
    const reply = await new Promise<ChainReply>((resolve, reject) => {
      waiting.set(0, { resolve, reject, onWaiting: options.onWaiting });
      worker.postMessage({ id: 0, op: 'open', database, settings } satisfies ChainRequest);
    });
    if (reply.op !== 'opened') throw new StoreError(`the chain worker answered ${reply.op} to open`);
    const ledger = Ledger.fromSnapshot(settings, reply.chunks);
    if (ledger.height !== reply.height) throw new StoreError(`the worker's snapshot is of height ${ledger.height}, not ${reply.height}`);
    return new RemoteChain(worker, settings, ledger, link);
  }

  get height(): number {
    return this.ledger.height;
  }

  #ask(request: DistributiveOmit<ChainRequest, 'id'>, transfer: Transferable[] = [], onDeltas?: (deltas: Uint8Array[]) => void): Promise<ChainReply> {
    if (this.#link.failed) return Promise.reject(this.#link.failed);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#link.waiting.set(id, { resolve, reject, onDeltas });
      this.#worker.postMessage({ ...request, id } as ChainRequest, { transfer });
    });
  }

  /** A received block (its bytes in `options.bytes`, else encoded again), checked and stored by the worker. */
  async addBlock(block: Block, options: AddBlockOptions = {}): Promise<Delta> {
    let delta: Delta | undefined;
    await this.#add([options.bytes ?? encodeBlock(block)], options.wait !== false, (_, d) => {
      delta = d;
    });
    if (!delta) throw new StoreError(`the worker applied block ${block.height} without a delta`);
    return delta;
  }

  addBlocks(blocks: readonly Uint8Array[], options: AddBlocksOptions = {}): Promise<void> {
    return this.#add(blocks, options.flush !== false, options.onBlock);
  }

  /** Sends blocks; each delta that comes back is replayed here, in order, before `onBlock`. */
  async #add(blocks: readonly Uint8Array[], flush: boolean, onBlock?: (height: number, delta: Delta) => void): Promise<void> {
    // Copies: the worker takes the buffers, and a caller may still hold views of the received ones.
    const copies = blocks.map((b) => b.slice());
    await this.#ask({ op: 'add', blocks: copies, flush }, copies.map((b) => b.buffer), (deltas) => {
      for (const bytes of deltas) {
        const delta = decodeDelta(bytes);
        this.ledger.replay(delta);
        onBlock?.(delta.height, delta);
      }
    });
  }

  async flush(): Promise<void> {
    await this.#ask({ op: 'flush' });
  }

  async blockBytes(height: number): Promise<Uint8Array | undefined> {
    const reply = await this.#ask({ op: 'block', height });
    return reply.op === 'block' ? reply.bytes : undefined;
  }

  async block(height: number): Promise<Block | undefined> {
    const b = await this.blockBytes(height);
    return b && decodeBlock(b);
  }

  async close(): Promise<void> {
    await this.#ask({ op: 'close' });
    this.#worker.terminate();
  }
}
