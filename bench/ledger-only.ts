/**
 * Diagnostic, not a benchmark result: the ledger's own work on the storage workload (4 blocks of
 * 1,000 transfers, in memory), with signature checks replaced by an always-true verifier, to
 * see what the main thread spends besides verification. `node bench/ledger-only.ts`
 */
import { hexToBytes } from '../core/encoding/index.ts';
import { SignatureVerifier } from '../core/crypto/index.ts';
import { decodeBlock, decodeBlockWithMessages } from '../core/block/index.ts';
import { Ledger, devnet } from '../core/state/index.ts';
import { transferWorkload } from './workload.ts';
import { median } from './util.ts';

class AcceptsEverySignature extends SignatureVerifier {
  override async verify(): Promise<boolean> {
    return true;
  }
}

const w = await transferWorkload(1000, 4);
const settings = devnet({ standbyValidators: w.validators.map(hexToBytes), antShareHolder: hexToBytes(w.holder) });
const times: number[] = [];
const cpu: number[] = [];
const ROUNDS = Number(process.env.ROUNDS ?? 10);
for (let round = 0; round < ROUNDS; round++) {
  const { ledger } = Ledger.withGenesis(settings);
  const verifier = new AcceptsEverySignature();
  for (const b of w.setup) await ledger.applyBlock(decodeBlock(b), verifier);
  const t0 = performance.now();
  const c0 = process.threadCpuUsage();
  for (const bytes of w.blocks) {
    const { block, messages } = decodeBlockWithMessages(bytes);
    await ledger.applyBlock(block, verifier, messages);
  }
  times.push(performance.now() - t0);
  const c = process.threadCpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const transfers = w.blocks.length * w.transfersPerBlock;
console.log(`ledger without signature work: ${transfers} transfers in ${times.map((t) => Math.round(t)).join(', ')} ms (${ROUNDS} rounds)`);
const warm = times.slice(ROUNDS / 2);
console.log(`median ${(median(times) * 1000 / transfers).toFixed(0)} µs, warm median (last 5) ${(median(warm) * 1000 / transfers).toFixed(0)} µs, best ${(Math.min(...times) * 1000 / transfers).toFixed(0)} µs per transfer`);
console.log(`main-thread CPU: warm median ${(median(cpu.slice(ROUNDS / 2)) * 1000 / transfers).toFixed(1)} µs, best ${(Math.min(...cpu) * 1000 / transfers).toFixed(1)} µs per transfer`);
