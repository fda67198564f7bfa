import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToBytes } from '../core/encoding/index.ts';
import { SignatureVerifier } from '../core/crypto/index.ts';
import { decodeBlock } from '../core/block/index.ts';
import { Chain, devnet } from '../core/state/index.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { prioritizeEventLoop } from '../core/node/priority.node.ts';
import { transferWorkload } from './workload.ts';
const w = await transferWorkload(1000, 4);
const settings = devnet({ standbyValidators: w.validators.map(hexToBytes), antShareHolder: hexToBytes(w.holder) });
await prioritizeEventLoop();
for (let i = 0; i < Number(process.env.PASSES ?? 4); i++) {
  const dir = mkdtempSync(join(tmpdir(), 'antshares-bench-'));
  const chain = await Chain.open(await LevelStore.open(dir), settings);
  for (const b of w.setup) await chain.addBlock(decodeBlock(b));
  await new Promise((r) => setTimeout(r, 500));
  const t0 = performance.now(); const c0 = process.threadCpuUsage(); const r0 = process.resourceUsage();
  await chain.addBlocks(w.blocks, { verifier: new SignatureVerifier() });
  const s = (performance.now() - t0) / 1000; const c = process.threadCpuUsage(c0); const r = process.resourceUsage();
  const proc = (r.userCPUTime + r.systemCPUTime - r0.userCPUTime - r0.systemCPUTime) / 4000;
  console.log(`${Math.round(4000 / s)} tx/s; main ${((c.user + c.system) / 4000).toFixed(0)} µs/tx; process ${proc.toFixed(0)} µs/tx`);
  await chain.close();
  rmSync(dir, { recursive: true, force: true });
}
