/**
 * Child process of the crash test: opens the chain on disk and applies blocks from a file (hex a
 * line) after its tip, printing each height once written. The parent kills it at random moments.
 */
import { readFileSync } from 'node:fs';
import { hexToBytes } from '../core/encoding/index.ts';
import { decodeBlock } from '../core/block/index.ts';
import { Chain } from '../core/state/index.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { testNet } from './devnet.ts';
import { keyOf } from './history.ts';

const [dir, blocksFile, seedText, intervalText] = process.argv.slice(2);
const settings = { ...testNet(4, keyOf(Number(seedText))).settings, snapshotInterval: Number(intervalText) };
const blocks = readFileSync(blocksFile, 'utf8').trim().split('\n').map((l) => decodeBlock(hexToBytes(l)));
const chain = await Chain.open(await LevelStore.open(dir), settings);
for (const block of blocks.slice(chain.height)) {
  await chain.addBlock(block);
  process.stdout.write(`${chain.height}\n`);
}
await chain.close();
process.stdout.write('done\n');
