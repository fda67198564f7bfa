import { beforeAll, describe, expect, it } from 'vitest';
import { DecodeError, ProtocolError, bytesToHex, parseFixed8, uintToString } from '../core/encoding/index.ts';
import { allInputs, encodeTransaction, outpointKey, signingMessage } from '../core/tx/index.ts';
import { Mempool } from '../core/mempool/mempool.ts';
import { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE, account, produce, step, testNet, transactionHash, transfer, type TestNet } from './devnet.ts';

const FEE = parseFixed8('0.01');
let net: TestNet;
const alice = account();
const bob = account();

beforeAll(async () => {
  net = testNet();
  await step(net);
  await step(net);
  await step(net, [transfer(net, net.holder, alice.scriptHash, ANTCOIN_ID, 10n * FIXED8_ONE, FEE)]);
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (e) {
    if (e instanceof ProtocolError || e instanceof DecodeError) return e.code;
    throw e;
  }
}

describe('the mempool', () => {
  it('keeps valid transactions; refuses duplicates, conflicts, invalid ones and garbage, changing nothing', async () => {
    const pool = new Mempool(net.ledger);
    const pay = transfer(net, alice, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, FEE);
    const hash = await pool.add(encodeTransaction(pay));
    expect(uintToString(hash)).toBe(uintToString(transactionHash(pay)));
    expect(bytesToHex(pool.bytesOf(hash)!)).toBe(bytesToHex(encodeTransaction(pay)));
    expect(await codeOf(pool.add(pay))).toBe('MEMPOOL_DUPLICATE');
    const doubleSpend = transfer(net, alice, net.holder.scriptHash, ANTCOIN_ID, 2n * FIXED8_ONE, FEE); // the same coins
    expect(await codeOf(pool.add(doubleSpend))).toBe('MEMPOOL_CONFLICT');
    const tooCheap = transfer(net, net.holder, bob.scriptHash, ANTSHARE_ID, FIXED8_ONE, 1n);
    expect(await codeOf(pool.add(tooCheap))).toBe('TX_FEE_TOO_SMALL');
    const forged = encodeTransaction(transfer(net, net.holder, bob.scriptHash, ANTSHARE_ID, FIXED8_ONE, FEE));
    forged[forged.length - 50] ^= 1; // inside the signature (the last 36 bytes are the verification script)
    expect(await codeOf(pool.add(forged))).toBe('TX_WITNESS_INVALID');
    expect(await codeOf(pool.add(Uint8Array.of(0x80, 0x00, 0x05)))).toBe('DECODE_ERROR');
    expect(pool.size).toBe(1);
    expect(pool.transactions()).toEqual([pay]);
  });

  it('says which block transactions it verified already: only the very same bytes and witnesses', async () => {
    const pool = new Mempool(net.ledger);
    const pay = transfer(net, alice, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, FEE);
    await pool.add(pay);
    const message = signingMessage(pay);
    expect(pool.holdsVerified(pay, message)).toBe(true);
    // The same transaction (same hash) with another witness: its signatures must be checked.
    const sig = Uint8Array.from(pay.witnesses[0].invocation);
    sig[5] ^= 1;
    expect(pool.holdsVerified({ ...pay, witnesses: [{ ...pay.witnesses[0], invocation: sig }] }, message)).toBe(false);
    expect(pool.holdsVerified(pay, signingMessage({ ...pay, attributes: [{ usage: 0xf0, data: Uint8Array.of(1) }] }))).toBe(false);
  });

  it('is bounded: a full pool refuses, it does not evict', async () => {
    const pool = new Mempool(net.ledger, { maxTransactions: 1 });
    await pool.add(transfer(net, alice, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, FEE));
    expect(await codeOf(pool.add(transfer(net, net.holder, bob.scriptHash, ANTSHARE_ID, FIXED8_ONE, FEE)))).toBe('MEMPOOL_FULL');
    expect(pool.size).toBe(1);
  });

  it('after a block: drops what the block holds, and what the block made invalid, with the reason', async () => {
    const pool = new Mempool(net.ledger);
    const a = transfer(net, alice, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, FEE);
    const b = transfer(net, net.holder, bob.scriptHash, ANTSHARE_ID, FIXED8_ONE, FEE);
    await pool.add(a);
    await pool.add(b);
    // Another node's block takes a transaction that spends b's inputs (b's sender spends its coins elsewhere).
    const rival = transfer(net, net.holder, alice.scriptHash, ANTSHARE_ID, 2n * FIXED8_ONE, FEE);
    expect(bytesToHex(rival.inputs[0].prevHash)).toBe(bytesToHex(b.inputs[0].prevHash));
    const block = produce(net, [a, rival]);
    await net.ledger.applyBlock(block);
    const result = pool.afterBlock();
    expect(result.included).toBe(1);
    expect(result.dropped).toEqual([{ tx: uintToString(transactionHash(b)), code: 'TX_INPUT_ALREADY_SPENT' }]);
    expect(pool.size).toBe(0);
    expect(pool.bytes).toBe(0);
  });

  it('told what a block spent, re-checks only the transfers that touch it, with the same outcome', async () => {
    const pool = new Mempool(net.ledger);
    const carol = account();
    await step(net, [transfer(net, net.holder, carol.scriptHash, ANTCOIN_ID, 5n * FIXED8_ONE, FEE)]);
    const c = transfer(net, carol, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, FEE); // untouched by the block
    const b = transfer(net, net.holder, bob.scriptHash, ANTSHARE_ID, FIXED8_ONE, FEE);
    await pool.add(c);
    await pool.add(b);
    const rival = transfer(net, net.holder, alice.scriptHash, ANTSHARE_ID, 2n * FIXED8_ONE, FEE);
    const block = produce(net, [rival]);
    const delta = await net.ledger.applyBlock(block);
    const spent = net.ledger.spentIn(delta);
    expect([...spent]).toEqual(block.transactions.flatMap((t) => allInputs(t).map((i) => outpointKey(i.prevHash, i.prevIndex))));
    const result = pool.afterBlock(spent);
    expect(result.dropped).toEqual([{ tx: uintToString(transactionHash(b)), code: 'TX_INPUT_ALREADY_SPENT' }]);
    expect(pool.transactions()).toEqual([c]);
    // c still passes every rule at the new tip: skipping its re-check kept a valid transaction.
    expect(() => net.ledger.checkTransactionRules(c)).not.toThrow();
  });

  it('knows what it holds and what is in a block; announces again what was submitted to it before what came by gossip', async () => {
    const pool = new Mempool(net.ledger);
    const carol = account();
    const inBlock = transfer(net, net.holder, carol.scriptHash, ANTCOIN_ID, 5n * FIXED8_ONE, FEE);
    await step(net, [inBlock]);
    const mine = transfer(net, carol, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, FEE);
    const gossiped = transfer(net, net.holder, bob.scriptHash, ANTSHARE_ID, FIXED8_ONE, FEE);
    expect([pool.knows(transactionHash(mine)), pool.knows(transactionHash(inBlock))]).toEqual([false, true]);
    await pool.add(mine, { local: true });
    await pool.add(gossiped);
    expect(pool.knows(transactionHash(mine))).toBe(true);
    // A copy of a pooled transaction is a duplicate even where its rules would now fail (a rule
    // is never run for it): here its witness is gone.
    expect(await codeOf(pool.add({ ...gossiped, witnesses: [] }))).toBe('MEMPOOL_DUPLICATE');
    expect(pool.stale(60_000, 10)).toEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    expect(pool.stale(20, 10, 1_000)).toEqual([encodeTransaction(mine)]);
    expect(pool.stale(20, 10, 1_000)).toEqual([]); // just announced
    await new Promise((r) => setTimeout(r, 30));
    expect(pool.stale(20, 10, 50)).toEqual([encodeTransaction(mine), encodeTransaction(gossiped)]);
  });
});
