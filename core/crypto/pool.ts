/**
 * Signature checks spread over Web Workers (browsers): every verification asked for in one turn
 * of the event loop goes out together, split across the workers, and each answer resolves its
 * caller. The page's main thread only packs and unpacks; the curve math runs on the other cores.
 * Where workers cannot start, it verifies as SignatureVerifier does.
 */
import { SignatureVerifier } from './ecdsa.ts';

interface Pending {
  readonly item: [Uint8Array, Uint8Array, Uint8Array];
  readonly resolve: (ok: boolean) => void;
}

/**
 * The items of one message to a worker, copied into one transferable buffer: each as signature
 * length (1 byte), key length (1 byte), message length (4 bytes, little-endian), then the three.
 * Posting the arrays themselves would clone the whole buffer each one views, which during a sync
 * is the network message its block came in (measured: a second of page time per 2,000 blocks).
 */
export function packItems(items: readonly (readonly [Uint8Array, Uint8Array, Uint8Array])[]): Uint8Array {
  let size = 0;
  for (const [s, m, k] of items) size += 6 + s.length + m.length + k.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const [s, m, k] of items) {
    out[at] = s.length;
    out[at + 1] = k.length;
    out[at + 2] = m.length & 0xff;
    out[at + 3] = (m.length >>> 8) & 0xff;
    out[at + 4] = (m.length >>> 16) & 0xff;
    out[at + 5] = m.length >>> 24;
    at += 6;
    out.set(s, at);
    out.set(k, (at += s.length));
    out.set(m, (at += k.length));
    at += m.length;
  }
  return out;
}

/** The inverse of `packItems`: views into `packed`, as [signature, message, publicKey]. */
export function unpackItems(packed: Uint8Array): [Uint8Array, Uint8Array, Uint8Array][] {
  const items: [Uint8Array, Uint8Array, Uint8Array][] = [];
  let at = 0;
  while (at < packed.length) {
    const sLen = packed[at];
    const kLen = packed[at + 1];
    const mLen = (packed[at + 2] | (packed[at + 3] << 8) | (packed[at + 4] << 16)) + packed[at + 5] * 0x1000000;
    at += 6;
    const s = packed.subarray(at, (at += sLen));
    const k = packed.subarray(at, (at += kLen));
    const m = packed.subarray(at, (at += mLen));
    if (m.length !== mLen) throw new RangeError('packed verification items are truncated');
    items.push([s, m, k]);
  }
  return items;
}

/** A batch this large is sent at the next microtask (see `verify`). */
const EAGER_BATCH = 256;

export class WorkerVerifier extends SignatureVerifier {
  readonly #workers: Worker[] = [];
  readonly #waiting = new Map<number, (results: Uint8Array) => void>();
  #batch: Pending[] = [];
  #next = 1;
  #turn = 0;
  #posted = 0;
  /**
   * Flushes once the current task is done, not at the next microtask: a sync asks for each
   * block's signatures a few promise steps apart, and one message per block cost the page a
   * postMessage each (measured: most of a second per 2,000 small blocks). A batch that reaches
   * EAGER_BATCH goes at the next microtask instead (see `verify`).
   */
  readonly #soon = new MessageChannel();

  /** `workers` (default: the cores less one, at least one) verification workers. */
  constructor(options: { workers?: number } = {}) {
    super();
    this.#soon.port1.onmessage = () => this.#flush();
    const count = options.workers ?? Math.max(1, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1);
    try {
      for (let i = 0; i < count; i++) {
        const w = new Worker(new URL('./verify-worker.ts', import.meta.url), { type: 'module' });
        w.addEventListener('message', (e: MessageEvent<{ id: number; results: Uint8Array }>) => {
          this.#waiting.get(e.data.id)?.(e.data.results);
          this.#waiting.delete(e.data.id);
        });
        this.#workers.push(w);
      }
    } catch {
      this.#workers.length = 0; // no workers here: verify in place
    }
  }

  /** How many checks were sent to the workers so far. */
  get posted(): number {
    return this.#posted;
  }

  /** How many workers verify (0: this thread does). */
  get workers(): number {
    return this.#workers.length;
  }

  override verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
    if (this.#workers.length === 0 || signature.length !== 64) return super.verify(signature, message, publicKey);
    return new Promise((resolve) => {
      if (this.#batch.length === 0) this.#soon.port2.postMessage(null);
      this.#batch.push({ item: [signature, message, publicKey], resolve });
      // A big batch (a large block's) goes out at the next microtask, not after the task: a sync
      // applies one block in the same task as it asks for the next one's checks, and those
      // checks waited for the rules to finish before they reached a worker (measured: a worker's
      // checks and the page's rules took turns, the page idle half the sync).
      if (this.#batch.length === EAGER_BATCH) queueMicrotask(() => this.#flush());
    });
  }

  #flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    if (this.#workers.length === 0) {
      // Terminated after these were asked for (an eager flush was still due): checked here.
      for (const p of batch) void super.verify(...p.item).then(p.resolve);
      return;
    }
    const per = Math.ceil(batch.length / this.#workers.length);
    for (let at = 0; at < batch.length; at += per) {
      const part = batch.slice(at, at + per);
      const id = this.#next++;
      this.#waiting.set(id, (results) => part.forEach((p, i) => p.resolve(results[i] === 1)));
      const items = packItems(part.map((p) => p.item));
      this.#posted += part.length;
      this.#workers[this.#turn++ % this.#workers.length].postMessage({ id, items }, [items.buffer]);
    }
  }

  /** Stops the workers. */
  terminate(): void {
    this.#soon.port1.close();
    for (const w of this.#workers) w.terminate();
    this.#workers.length = 0;
  }
}
