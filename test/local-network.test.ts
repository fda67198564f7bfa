/**
 * The local network of `npm start` / `ans devnet` (devnet/network.ts): real processes' parts in
 * one process (relay, four validators on disk, faucet, HTTP), then `ans status` against it, and a
 * restart that continues the same chain.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { until } from './helpers.ts';
import { startLocalNetwork, type LocalNetwork } from '../devnet/network.ts';
import { generatePrivateKey, getPublicKey } from '../core/crypto/keys.ts';
import { addressFromScript, singleKeyScript, scriptHash } from '../core/script/accounts.ts';
import { ANTCOIN_ID, ANTSHARE_ID, blockHash, decodeBlock } from '../core/block/index.ts';
import { FIXED8_ONE, bytesToHex, uintToString } from '../core/encoding/index.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ans-local-'));
let network: LocalNetwork | undefined;

afterAll(async () => {
  await network?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const newAddress = () => {
  const script = singleKeyScript(getPublicKey(generatePrivateKey()));
  return { address: addressFromScript(script), hash: scriptHash(script) };
};

async function faucet(url: string, address: string): Promise<{ status: number; body: { error?: string; tx?: string } }> {
  const res = await fetch(`${url}/faucet`, { method: 'POST', body: JSON.stringify({ address }) });
  return { status: res.status, body: await res.json() };
}

describe('the local network', () => {
  it('makes blocks (validators in their own processes), pays from the faucet with limits, reports status, and continues after a restart', { timeout: 120_000 }, async () => {
    network = await startLocalNetwork({ dir, relayPort: 0, httpPort: 0 });
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const { relay, http } = network;
    await until('blocks', () => relay.height >= 3, 30_000);

    const alice = newAddress();
    let paid: Awaited<ReturnType<typeof faucet>> | undefined;
    for (let i = 0; i < 20 && paid?.status !== 200; i++) {
      paid = await faucet(http.url, alice.address);
      if (paid.status !== 200) {
        expect(paid.body.error).toBe('FAUCET_DRY'); // early blocks: not enough AntCoin yet
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    expect(paid?.status).toBe(200);
    await until('alice paid', () => relay.chain.ledger.balance(alice.hash, ANTSHARE_ID) === 100n * FIXED8_ONE, 30_000);
    expect(relay.chain.ledger.balance(alice.hash, ANTCOIN_ID)).toBe(10n * FIXED8_ONE);
    // Each validator (its own process) reaches the same chain: at some moment all report the relay's tip.
    const paidAt = relay.height;
    for (let i = 0; ; i++) {
      const statuses = await Promise.all(network.validators.map((v) => v.status()));
      const tip = uintToString(relay.chain.ledger.tip.blockHash);
      if (statuses.every((x) => x.height >= paidAt && x.tip === tip)) break;
      if (i > 400) throw new Error(`validators did not agree with the relay: ${JSON.stringify(statuses.map((x) => [x.height, x.tip]))}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    expect((await faucet(http.url, alice.address)).status).toBe(429);
    const bad = await faucet(http.url, 'AQWcnxK8oEJ7KPxw7FuTzX9aJ5uWQ2Zckc');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('BAD_ADDRESS');
    expect((await fetch(`${http.url}/faucet`, { method: 'POST', body: 'x'.repeat(10_000) })).status).toBe(413);

    const { stdout } = await run(process.execPath, ['cli/ans.js', 'status', '--url', http.url, '--json']);
    const status = JSON.parse(stdout);
    expect(status.height).toBeGreaterThanOrEqual(3);
    expect(status.validators).toHaveLength(4);
    expect(status.local).toHaveLength(4);
    expect(status.peers).toBeGreaterThanOrEqual(4);
    const human = (await run(process.execPath, ['cli/ans.js', 'status', '--url', http.url])).stdout;
    expect(human).toMatch(/^devnet: height \d+, last block \d+ s ago/);

    const height = relay.height;
    const hash = bytesToHex(blockHash(decodeBlock((await relay.chain.blockBytes(height))!)));
    await network.stop();
    network = await startLocalNetwork({ dir, relayPort: 0, httpPort: 0 });
    expect(network.relay.height).toBeGreaterThanOrEqual(height);
    expect(bytesToHex(blockHash(decodeBlock((await network.relay.chain.blockBytes(height))!)))).toBe(hash);
    await until('blocks after the restart', () => network!.relay.height >= height + 2, 30_000);
    expect(network.relay.chain.ledger.balance(alice.hash, ANTSHARE_ID)).toBe(100n * FIXED8_ONE);
  });

  // Seen in issue 15's work: after a SIGTERM to `npm start`, the validators ran on until SIGKILL
  // (the shell npm runs us under dies without passing the signal on; a validator that stopped its
  // node still had its stdin pipe open, which kept the process alive).
  it('a validator asked to stop (SIGTERM) exits, and the network stops when the process that started it is gone', { timeout: 60_000 }, async () => {
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const pid = network!.validators[3]!.pid!;
    process.kill(pid, 'SIGTERM');
    await until('the validator process exits after SIGTERM', () => !alive(pid), 15_000);

    // `npm start` as npm runs it: under `sh -c`; the shell is killed, not us.
    const script = `const { stopSignal } = await import(${JSON.stringify(new URL('../cli/network.ts', import.meta.url).href)}); const busy = setInterval(() => {}, 60_000); console.log('ready'); console.log(await stopSignal({ withParent: true })); clearInterval(busy);`;
    const shell = spawn('sh', ['-c', `"${process.execPath}" --input-type=module -e "$0"; true`, script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    shell.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
    await until('the child is ready', () => lines.includes('ready'), 20_000);
    const child = Number((await run('pgrep', ['-P', String(shell.pid)])).stdout.trim());
    expect(alive(child)).toBe(true);
    shell.kill('SIGTERM');
    await until('the child notices its parent is gone and exits', () => !alive(child), 10_000);
  });
});
