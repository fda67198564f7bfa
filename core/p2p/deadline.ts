/**
 * Deadlines that let go. An `AbortSignal.timeout(ms)` with a listener stays referenced by the
 * runtime until it fires (Node keeps such signals in a global set), and with it whatever its
 * listeners reach: libp2p's connection, its components, and through them the chain of a node
 * stopped long ago. A request that finished has no use for its deadline, so here a deadline is
 * a timer the caller clears when the work is over.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Forgets the deadline: the signal never fires, and nothing keeps it. */
  clear(): void;
}

/** A signal that aborts with a TimeoutError after `ms`, unless cleared first. */
export function deadline(ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Runs `work` with a signal that aborts after `ms`, and clears the deadline when it settles. */
export async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const d = deadline(ms);
  try {
    return await work(d.signal);
  } finally {
    d.clear();
  }
}
