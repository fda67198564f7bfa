/**
 * When the page's own peer starts. Its start is a second or two of the main thread on a phone
 * (libp2p's modules, keys, the first handshakes), which would make the first screen's taps and
 * keys wait. So it waits for a quiet page: first paint done, then QUIET_MS with no input from the
 * user and no long task; every tap or key restarts the wait. It never waits past MAX_MS after the
 * first paint, and a screen that needs the chain (the unlocked wallet) starts it at once, without waiting.
 */
// Five seconds: the quiet the web's measure of a page being ready for input (Time to Interactive)
// asks for. A screen that needs the chain does not wait at all .
const QUIET_MS = 5000;
const MAX_MS = 15_000;

/** Runs `work` once the page is quiet, or at the deadline (see above), saying which. Returns a cancel. */
export function whenQuiet(work: (why: 'quiet' | 'deadline') => void, quietMs = QUIET_MS, maxMs = MAX_MS): () => void {
  let done = false;
  let quiet: number | undefined;
  const once = (why: 'quiet' | 'deadline') => {
    if (done) return;
    cancel();
    done = true;
    work(why);
  };
  const restart = () => {
    clearTimeout(quiet);
    quiet = window.setTimeout(() => once('quiet'), quietMs);
  };
  const inputs = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
  let tasks: PerformanceObserver | undefined;
  try {
    tasks = new PerformanceObserver(restart);
    tasks.observe({ type: 'longtask' });
  } catch {
    tasks = undefined; // no long-task timing here: input alone restarts the wait
  }
  for (const type of inputs) addEventListener(type, restart, { passive: true, capture: true });
  // The wait starts at first paint (the next frame); a background tab paints no frame, and
  // still starts its peer by the deadline.
  const frame = requestAnimationFrame(restart);
  const deadline = window.setTimeout(() => once('deadline'), maxMs);
  function cancel() {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(quiet);
    clearTimeout(deadline);
    tasks?.disconnect();
    for (const type of inputs) removeEventListener(type, restart, { capture: true });
  }
  return cancel;
}
