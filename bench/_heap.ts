import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToBytes } from '../core/encoding/index.ts';
import { SignatureVerifier } from '../core/crypto/index.ts';
import { decodeBlock } from '../core/block/index.ts';
import { Chain, devnet } from '../core/state/index.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { transferWorkload } from './workload.ts';
const w = await transferWorkload(1000, 4);
const settings = devnet({ standbyValidators: w.validators.map(hexToBytes), antShareHolder: hexToBytes(w.holder) });
const s = new Session(); s.connect();
for (let i = 0; i < 3; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'antshares-bench-'));
  const chain = await Chain.open(await LevelStore.open(dir), settings);
  for (const b of w.setup) await chain.addBlock(decodeBlock(b));
  if (i === 2) await s.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await chain.addBlocks(w.blocks, { verifier: new SignatureVerifier() });
  if (i === 2) { const { profile } = await s.post('HeapProfiler.stopSampling'); writeFileSync('/tmp/heap.json', JSON.stringify(profile)); }
  await chain.close(); rmSync(dir, { recursive: true, force: true });
}
