/**
 * The fault suite's short run inside `npm test` (the full one is `npm run chaos`): real `ans node`
 * processes on loopback, transfers offered throughout, a seed printed; validators killed with
 * SIGKILL and restarted, the whole network killed and restarted, two of four down then back, half a
 * minute of hostile peers, and two elected candidates that run no node. After every step: one
 * chain, every final transfer still final, supply conserved, the chain moving again within 10 s of
 * N - f validators being up; every provably invalid message bans its sender within a second.
 */
import { describe, expect, it } from 'vitest';
import { runChaos, summarize } from './run.ts';

describe('the fault suite, short (npm run chaos runs the long one)', () => {
  it('survives kills, a whole-network restart, an outage of two, hostile peers and no-show candidates', { timeout: 600_000 }, async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const lines: string[] = [];
    const summary = await runChaos({
      seed, cycles: 4, wholeKills: 1, twoDown: 1, hostileMs: 30_000, partitions: 0, elections: 1, namespaces: false, rate: 10, boundMs: 10_000, electionWatchMs: 30_000,
      log: (line) => lines.push(line),
    });
    for (const line of [...lines, ...summarize(summary, 10_000)]) console.log(line);
    expect(summary.problems, `seed ${seed} (CHAOS_SEED=${seed} replays its choices)`).toEqual([]);
    expect(summary.steps.length).toBe(4 + 1 + 1 + 1 + 1);
    expect(summary.transfers.final).toBeGreaterThan(0);
  });
});
