/**
 * A Node peer's threads, by priority: the event loop first, libuv's thread pool after it.
 *
 * A peer's main thread carries the work that must stay in order: the ledger's rules, blocks,
 * consensus messages, the network. The pool carries what may wait a little: WebCrypto's
 * signature checks (each one queued there by the main thread) and the store's writes. With both
 * busy on a machine of few cores, the kernel shares the cores evenly between all five threads, so
 * the main thread gets less than a core and the pool runs ahead of it, then idles while the main
 * thread catches up (measured with a per-thread sampler of /proc during a sync: 1.55 of 2 cores
 * busy). Lowered to the lowest priority, the pool's threads use what the main thread leaves.
 * Measured on a 2-core machine, 12 blocks of 1,000 transfers synced to disk, warm, three runs
 * alternating: 7,200-10,400 tx/s as they are, 10,500-11,300 with the pool at nice 19.
 *
 * Linux only (a thread's id works as a process id for setpriority there); elsewhere, or where
 * /proc cannot be read, nothing changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { webcrypto } from 'node:crypto';

/** The nice value given to the pool's threads: the lowest priority. */
const POOL_NICE = 19;

/**
 * Starts libuv's thread pool (it starts on first use) and lowers its threads' priority. Returns
 * how many threads it lowered (0 where this cannot be done).
 */
export function prioritizeEventLoop(): Promise<number> {
  return setThreadPoolPriority(POOL_NICE);
}

/**
 * Gives libuv's pool threads the nice value `nice` (0: the default sharing back). The pool alone
 * verifies faster at 0 (measured: raw WebCrypto verification 5-15 % slower at 19, the main
 * thread's wake-ups preempting the pool), which is what a benchmark's baseline wants.
 */
export async function setThreadPoolPriority(nice: number): Promise<number> {
  if (process.platform !== 'linux') return 0;
  // A digest runs on the pool: after it, every pool thread exists.
  await webcrypto.subtle.digest('SHA-256', new Uint8Array(1));
  let changed = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      let name: string;
      try {
        name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      } catch {
        continue; // a thread that ended meanwhile
      }
      if (name !== 'libuv-worker') continue;
      setPriority(Number(tid), nice);
      changed++;
    }
  } catch {
    return changed; // no /proc here, or no right to change priorities: the kernel's default sharing
  }
  return changed;
}
