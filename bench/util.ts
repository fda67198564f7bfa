/** Benchmark helpers: timing with a warm-up, rates, and a fixed report format. */
import os from 'node:os';

/** Runs `fn` (which handles `n` items) after one warm-up call and returns items per second. */
export async function rate(n: number, fn: () => Promise<unknown> | unknown, rounds = 3): Promise<number> {
  await fn();
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await fn();
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, n / s);
  }
  return best;
}

/** Runs `fn` over `items` with up to `concurrency` in flight. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Every line printed since the run began, by section: what `npm run bench` writes into the README. */
export const report: { section: string; rows: { label: string; value: string; note: string }[] }[] = [];

export function header(title: string): void {
  console.log(`\n## ${title}`);
  report.push({ section: title, rows: [] });
}

export function line(label: string, value: string, note = ''): void {
  console.log(`${label.padEnd(58)} ${value.padStart(12)}  ${note}`);
  report.at(-1)?.rows.push({ label, value, note });
}

export function machine(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.versions.node}, ${new Date().toISOString()}`;
}

/**
 * Measures `subject` against `baseline` in alternating rounds (each `n` items) and returns the
 * median rates and the median of the per-round ratios: on a shared, noisy machine a ratio of two
 * measurements taken side by side is far steadier than either rate.
 */
export async function paired(
  n: number,
  baseline: () => Promise<unknown>,
  subject: () => Promise<unknown>,
  rounds = 5,
): Promise<{ baseline: number; subject: number; ratio: number }> {
  await baseline();
  await subject();
  const b: number[] = [];
  const s: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    await baseline();
    const rb = n / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    await subject();
    const rs = n / ((performance.now() - t0) / 1000);
    b.push(rb);
    s.push(rs);
    ratios.push(rs / rb);
  }
  return { baseline: median(b), subject: median(s), ratio: median(ratios) };
}

export function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
}
