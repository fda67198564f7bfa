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

export class WorkerVerifier extends SignatureVerifier {
  readonly #workers: Worker[] = [];
  readonly #waiting = new Map<number, (results: Uint8Array) => void>();
  #batch: Pending[] = [];
  #next = 1;
  #turn = 0;

  /** `workers` (default: the cores less one, at least one) verification workers. */
  constructor(options: { workers?: number } = {}) {
    super();
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

  /** How many workers verify (0: this thread does). */
  get workers(): number {
    return this.#workers.length;
  }

  override verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
    if (this.#workers.length === 0 || signature.length !== 64) return super.verify(signature, message, publicKey);
    return new Promise((resolve) => {
      if (this.#batch.length === 0) queueMicrotask(() => this.#flush());
      this.#batch.push({ item: [signature, message, publicKey], resolve });
    });
  }

  #flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    const per = Math.ceil(batch.length / this.#workers.length);
    for (let at = 0; at < batch.length; at += per) {
      const part = batch.slice(at, at + per);
      const id = this.#next++;
      this.#waiting.set(id, (results) => part.forEach((p, i) => p.resolve(results[i] === 1)));
      this.#workers[this.#turn++ % this.#workers.length].postMessage({ id, items: part.map((p) => p.item) });
    }
  }

  /** Stops the workers. */
  terminate(): void {
    for (const w of this.#workers) w.terminate();
    this.#workers.length = 0;
  }
}
