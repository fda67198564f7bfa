/**
 * Random valid histories, the same for the same seed: registrations, issues, transfers of
 * AntShare, AntCoin and registered assets, enrolments, votes and withdrawals, block after block.
 */
import { sha256 } from '../core/crypto/index.ts';
import { bytesToHex, parseFixed8 } from '../core/encoding/index.ts';
import { signTransaction, type Transaction } from '../core/tx/index.ts';
import { outpointKey } from '../core/state/index.ts';
import type { Block } from '../core/block/index.ts';
import { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE, account, step, testNet, transactionHash, type Account, type TestNet } from './devnet.ts';

/** A small seeded generator (mulberry32): the history depends on the seed alone. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

const FEE = parseFixed8('0.02');

export interface History {
  net: TestNet;
  users: Account[];
  blocks: Block[];
}

/** Deterministic keys from a seed. */
export function keyOf(seed: number) {
  return (i: number) => sha256(new TextEncoder().encode(`antshares-history-${seed}-${i}`));
}

export function newHistory(seed: number, userCount = 8): History {
  const net = testNet(4, keyOf(seed));
  const users = [net.holder, ...Array.from({ length: userCount }, (_, i) => account(keyOf(seed)(100 + i)))];
  // Users who enrol may be elected: the block producer signs with their keys too.
  for (const u of users) net.keys.set(bytesToHex(u.publicKey), u.key);
  return { net, users, blocks: [] };
}

/** Adds `count` blocks of random valid transactions; `after` runs after each block. */
export async function grow(h: History, seed: number, count: number, after?: (block: Block) => void | Promise<void>): Promise<void> {
  const r = rng(seed);
  for (let b = 0; b < count; b++) {
    const used = new Set<string>();
    const txs: Transaction[] = [];
    const actions = r.int(7);
    for (let a = 0; a < actions; a++) {
      const tx = randomTransaction(h, r, used);
      if (tx) txs.push(tx);
    }
    const block = await step(h.net, txs, BigInt(r.int(2 ** 31)) * 4096n + BigInt(r.int(4096)));
    h.blocks.push(block);
    await after?.(block);
  }
}

type Inputs = { inputs: Transaction['inputs']; total: bigint };

function take(h: History, who: Account, asset: Uint8Array, need: bigint, used: Set<string>): Inputs | null {
  const inputs: Transaction['inputs'] = [];
  let total = 0n;
  for (const u of h.net.ledger.unspent(who.scriptHash, asset)) {
    if (total >= need || inputs.length >= 5) break;
    const k = outpointKey(u.txHash, u.index);
    if (used.has(k) || h.net.ledger.votes.has(k) || isDeposit(h, u.txHash, u.index)) continue;
    inputs.push({ prevHash: u.txHash, prevIndex: u.index });
    total += u.output.value;
  }
  return total >= need && need > 0n ? { inputs, total } : null;
}

function isDeposit(h: History, txHash: Uint8Array, index: number): boolean {
  return index === 0 && h.net.ledger.candidates.has(bytesToHex(txHash));
}

function reserve(used: Set<string>, inputs: Transaction['inputs']) {
  for (const i of inputs) used.add(outpointKey(i.prevHash, i.prevIndex));
}

/** Fee inputs (AntCoin) and their change. */
function withFee(h: History, who: Account, used: Set<string>, extra: bigint): { inputs: Transaction['inputs']; change: Transaction['outputs'] } | null {
  const coins = take(h, who, ANTCOIN_ID, FEE + extra, used);
  if (!coins) return null;
  const change = coins.total > FEE + extra ? [{ assetId: ANTCOIN_ID, value: coins.total - FEE - extra, scriptHash: who.scriptHash }] : [];
  return { inputs: coins.inputs, change };
}

function signed(tx: Omit<Transaction, 'witnesses' | 'version' | 'attributes'>, signers: Account[]): Transaction {
  const unique = [...new Map(signers.map((a) => [bytesToHex(a.scriptHash), a])).values()];
  return signTransaction({ version: 0, attributes: [], witnesses: [], ...tx } as Transaction, unique.map((a) => ({ script: a.script, keys: [a.key] })));
}

function randomTransaction(h: History, r: ReturnType<typeof rng>, used: Set<string>): Transaction | null {
  const ledger = h.net.ledger;
  const from = r.pick(h.users);
  const to = r.pick(h.users);
  switch (r.int(8)) {
    case 0:
    case 1: { // AntShare transfer
      const shares = ledger.balance(from.scriptHash, ANTSHARE_ID) / FIXED8_ONE;
      if (shares < 2n) return null;
      const amount = (1n + BigInt(r.int(Number(shares > 1000000n ? 1000000n : shares - 1n)))) * FIXED8_ONE;
      const s = take(h, from, ANTSHARE_ID, amount, used);
      const f = s && (reserve(used, s.inputs), withFee(h, from, used, 0n));
      if (!s || !f) return null;
      reserve(used, f.inputs);
      const outputs = [{ assetId: ANTSHARE_ID, value: amount, scriptHash: to.scriptHash }, ...f.change];
      if (s.total > amount) outputs.push({ assetId: ANTSHARE_ID, value: s.total - amount, scriptHash: from.scriptHash });
      return signed({ type: 'ContractTransaction', inputs: [...s.inputs, ...f.inputs], outputs }, [from]);
    }
    case 2: { // AntCoin transfer
      const coin = ledger.balance(from.scriptHash, ANTCOIN_ID);
      if (coin < 2n * FEE) return null;
      const amount = 1n + BigInt(r.int(Number(coin / 2n)));
      const f = withFee(h, from, used, amount);
      if (!f) return null;
      reserve(used, f.inputs);
      return signed({ type: 'ContractTransaction', inputs: f.inputs, outputs: [{ assetId: ANTCOIN_ID, value: amount, scriptHash: to.scriptHash }, ...f.change] }, [from]);
    }
    case 3: { // register an asset
      const f = withFee(h, from, used, ledger.settings.fees.register);
      if (!f) return null;
      reserve(used, f.inputs);
      const assetType = r.pick(['Currency', 'Token', 'Share', 'Invoice'] as const);
      const precision = assetType === 'Share' ? 0 : r.int(9);
      const amount = r.int(3) === 0 ? -1n : BigInt(1 + r.int(1_000_000)) * FIXED8_ONE;
      return signed({ type: 'RegisterTransaction', assetType, name: `asset ${r.int(1e6)}`, amount, precision, issuer: from.publicKey, admin: from.scriptHash, inputs: f.inputs, outputs: f.change } as Transaction, [from]);
    }
    case 4: { // issue an asset the sender administers, or move one it holds
      const mine = [...ledger.assets.entries()].filter(([, a]) => bytesToHex(a.admin) === bytesToHex(from.scriptHash) && a.assetType !== 'AntShare' && a.assetType !== 'AntCoin');
      if (mine.length === 0) return null;
      const [assetHex, asset] = r.pick(mine);
      const assetId = Uint8Array.from(Buffer.from(assetHex, 'hex'));
      const unit = 10n ** BigInt(8 - asset.precision);
      const room = asset.amount === -1n ? 10n ** 12n : asset.amount - asset.issued;
      if (room < unit) return null;
      const amount = (1n + BigInt(r.int(Number(room / unit > 1000n ? 1000n : room / unit)))) * unit;
      const f = withFee(h, from, used, 0n);
      if (!f) return null;
      reserve(used, f.inputs);
      const consent = asset.assetType === 'Share' || asset.assetType === 'Invoice';
      return signed({ type: 'IssueTransaction', inputs: f.inputs, outputs: [{ assetId, value: amount, scriptHash: to.scriptHash }, ...f.change] }, consent ? [from, to] : [from]);
    }
    case 5: { // enrol
      if ([...ledger.candidates.values()].some((c) => bytesToHex(c.publicKey) === bytesToHex(from.publicKey))) return null;
      const deposit = ledger.settings.enrollmentDeposit;
      const f = withFee(h, from, used, ledger.settings.fees.enroll + deposit);
      if (!f) return null;
      reserve(used, f.inputs);
      return signed({ type: 'EnrollmentTransaction', publicKey: from.publicKey, inputs: f.inputs, outputs: [{ assetId: ANTCOIN_ID, value: deposit, scriptHash: from.scriptHash }, ...f.change] } as Transaction, [from]);
    }
    case 6: { // vote with all of one AntShare output
      const candidates = [...ledger.candidates.keys()];
      if (candidates.length === 0) return null;
      const s = take(h, from, ANTSHARE_ID, 1n, used);
      if (!s) return null;
      reserve(used, s.inputs);
      const f = withFee(h, from, used, 0n);
      if (!f) return null;
      reserve(used, f.inputs);
      const names = [...new Set(Array.from({ length: 1 + r.int(3) }, () => r.pick(candidates)))].map((k) => Uint8Array.from(Buffer.from(k, 'hex')));
      return signed({ type: 'VotingTransaction', enrollments: names, inputs: [...s.inputs, ...f.inputs], outputs: [{ assetId: ANTSHARE_ID, value: s.total, scriptHash: from.scriptHash }, ...f.change] } as Transaction, [from]);
    }
    default: { // withdraw a candidacy (spend the deposit)
      const own = [...ledger.candidates.entries()].find(([, c]) => bytesToHex(c.publicKey) === bytesToHex(from.publicKey));
      if (!own) return null;
      const prevHash = Uint8Array.from(Buffer.from(own[0], 'hex'));
      const k = outpointKey(prevHash, 0);
      const deposit = ledger.utxos.get(k);
      if (!deposit || used.has(k) || deposit.value <= FEE) return null;
      used.add(k);
      return signed({ type: 'ContractTransaction', inputs: [{ prevHash, prevIndex: 0 }], outputs: [{ assetId: ANTCOIN_ID, value: deposit.value - FEE, scriptHash: from.scriptHash }] }, [from]);
    }
  }
}

export { transactionHash };
