/**
 * A devnet chain of many small blocks (one transfer each) as block bytes, with the network.json
 * that describes its genesis: for syncing benchmarks and browser tests. Generated once per size
 * and cached in .bench-cache/ (signing a block's three header signatures and its transfer is
 * most of the cost).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToHex } from '../core/encoding/bytes.ts';
import { encodeBlock } from '../core/block/block.ts';
import type { NetworkFile } from '../core/state/settings.ts';
import { ANTSHARE_ID, FIXED8_ONE, account, produce, testNet, transfer } from './devnet.ts';
import { keyOf } from './history.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A devnet chain of `count` blocks, one transfer in each, as block bytes (cached on disk). */
export async function benchChain(count: number): Promise<{ network: NetworkFile; blocks: Uint8Array[] }> {
  const seed = 21;
  const cacheDir = join(ROOT, '.bench-cache');
  const file = join(cacheDir, `chain-${seed}-${count}.json`);
  const net = testNet(4, keyOf(seed));
  const network: NetworkFile = {
    name: 'devnet', genesisTimestamp: net.settings.timestamp, validators: net.settings.standbyValidators.map(bytesToHex), antShareHolder: bytesToHex(net.settings.antShareHolder),
  };
  if (existsSync(file)) return { network, blocks: (JSON.parse(readFileSync(file, 'utf8')) as string[]).map((h) => Buffer.from(h, 'hex')) };
  console.log(`  generating a chain of ${count} blocks (once; cached in .bench-cache/)…`);
  const users = Array.from({ length: 50 }, (_, i) => account(keyOf(seed)(100 + i)).scriptHash);
  const blocks: Uint8Array[] = [];
  for (let h = 1; h <= count; h++) {
    const txs = h > 1 ? [transfer(net, net.holder, users[h % users.length], ANTSHARE_ID, FIXED8_ONE, 1000n * net.settings.fees.perByte)] : [];
    const block = produce(net, txs);
    await net.ledger.applyBlock(block);
    blocks.push(encodeBlock(block));
    if (h % 1000 === 0) console.log(`    ${h} blocks`);
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, JSON.stringify(blocks.map((b) => bytesToHex(b))));
  return { network, blocks };
}

