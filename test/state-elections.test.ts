/**
 * Elections that cannot stop the chain (docs/consensus-design.md; issue 15): candidates voted in
 * that never deal are found absent and lose their seats, and at most f unproven candidates hold
 * seats at once, so N - f present validators always remain. The ledger's rule, block by block,
 * with blocks whose participation record marks who dealt; a second ledger applying the same
 * blocks reaches the same state (the rule is exactly reproducible).
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, parseFixed8 } from '../core/encoding/index.ts';
import { signTransaction, transactionHash, type Transaction } from '../core/tx/index.ts';
import { computeMerkleRoot, consensusThreshold, decodeBlock, encodeBlock, type Block } from '../core/block/index.ts';
import { ABSENCE_BLOCKS, EXCLUSION_BLOCKS, Ledger } from '../core/state/index.ts';
import { participationAttribute } from '../core/tx/miner.ts';
import { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE, account, signBlock, step, testNet, transfer, type Account, type TestNet } from './devnet.ts';
import { keyOf } from './history.ts';

const FEE = parseFixed8('0.01');

/** Every block made, in order (a second ledger applies them again). */
const made: Block[] = [];

/** Enrols `who` (its own AntCoin pays), and returns the enrolment's hash. */
async function enrol(net: TestNet, who: Account): Promise<Uint8Array> {
  made.push(await step(net, [transfer(net, net.holder, who.scriptHash, ANTCOIN_ID, 10n * FIXED8_ONE, FEE)]));
  const coins = net.ledger.unspent(who.scriptHash, ANTCOIN_ID);
  const tx = signTransaction({
    type: 'EnrollmentTransaction', version: 0, attributes: [], witnesses: [], publicKey: who.publicKey,
    inputs: coins.map((c) => ({ prevHash: c.txHash, prevIndex: c.index })),
    outputs: [{ assetId: ANTCOIN_ID, value: FIXED8_ONE, scriptHash: who.scriptHash }, { assetId: ANTCOIN_ID, value: 10n * FIXED8_ONE - FIXED8_ONE - net.settings.fees.enroll - FEE, scriptHash: who.scriptHash }],
  } as Transaction, [{ script: who.script, keys: [who.key] }]);
  made.push(await step(net, [tx]));
  net.keys.set(bytesToHex(who.publicKey), who.key); // the test signs headers for any validator; who dealt is the participation record's to say
  return transactionHash(tx);
}

/** The next block, made by the ledger with a participation record marking every validator but `absent`. */
async function blockWithout(net: TestNet, absent: readonly Account[], transactions: Transaction[] = []): Promise<Block> {
  const validators = net.ledger.nextValidators();
  const participation = validators.map((k) => !absent.some((a) => bytesToHex(a.publicKey) === bytesToHex(k)));
  const unsigned = net.ledger.prepareBlock({ transactions, timestamp: net.ledger.tip.timestamp + 2, consensusData: BigInt(net.ledger.height * 7 + 1), participation });
  const block = signBlock(unsigned, validators, net.keys);
  await net.ledger.applyBlock(block);
  made.push(block);
  return block;
}

const seated = (net: TestNet, who: readonly Account[]) => who.filter((a) => net.ledger.nextValidators().some((k) => bytesToHex(k) === bytesToHex(a.publicKey)));

describe('elections that cannot stop the chain', () => {
  it('two candidates voted in at once that never deal: one seat at a time, each out after ABSENCE_BLOCKS, back as unproven after EXCLUSION_BLOCKS; a second ledger agrees', async () => {
    const net = testNet(4, keyOf(31));
    made.length = 0;
    for (let i = 0; i < 2; i++) made.push(await step(net)); // block rewards: the holder's AntCoin
    const [c1, c2] = [account(keyOf(31)(100)), account(keyOf(31)(101))];
    const e1 = await enrol(net, c1);
    const e2 = await enrol(net, c2);
    const shares = net.ledger.unspent(net.holder.scriptHash, ANTSHARE_ID)[0];
    const coins = net.ledger.unspent(net.holder.scriptHash, ANTCOIN_ID)[0];
    const vote = signTransaction({
      type: 'VotingTransaction', version: 0, attributes: [], witnesses: [], enrollments: [e1, e2],
      inputs: [{ prevHash: shares.txHash, prevIndex: shares.index }, { prevHash: coins.txHash, prevIndex: coins.index }],
      outputs: [{ assetId: ANTSHARE_ID, value: shares.output.value, scriptHash: net.holder.scriptHash }, { assetId: ANTCOIN_ID, value: coins.output.value - FEE, scriptHash: net.holder.scriptHash }],
    } as Transaction, [{ script: net.holder.script, keys: [net.holder.key] }]);
    const blocks: Block[] = [await blockWithout(net, [], [vote])];
    // N = 4, f = 1: of two unproven candidates, one takes a seat.
    expect(seated(net, [c1, c2])).toHaveLength(1);
    const first = seated(net, [c1, c2])[0];
    const other = first === c1 ? c2 : c1;
    const history: string[][] = [];
    for (let i = 0; i < 2 * ABSENCE_BLOCKS + 2; i++) {
      blocks.push(await blockWithout(net, [c1, c2]));
      const now = seated(net, [c1, c2]);
      expect(now.length).toBeLessThanOrEqual(1); // never two absent validators of four
      history.push(now.map((a) => bytesToHex(a.publicKey)));
    }
    // The first was out after ABSENCE_BLOCKS blocks holding its seat, the second took it, and was
    // out in turn; then the standby validators alone.
    const firstOut = history.findIndex((h) => !h.includes(bytesToHex(first.publicKey)));
    expect(firstOut).toBe(ABSENCE_BLOCKS - 1);
    expect(history[firstOut]).toEqual([bytesToHex(other.publicKey)]);
    expect(history.at(-1)).toEqual([]);
    expect(net.ledger.seats.get(bytesToHex(first.publicKey))!.excludedUntil).toBeGreaterThan(net.ledger.height);
    // After EXCLUSION_BLOCKS they may be elected again, one at a time, and now one runs a node.
    while (seated(net, [c1, c2]).length === 0) blocks.push(await blockWithout(net, [c1, c2]));
    const back = seated(net, [c1, c2])[0];
    expect(net.ledger.height - blocks[0].height).toBeGreaterThanOrEqual(EXCLUSION_BLOCKS);
    const present = back; // it deals from now on: proven at its first block, and the other may join as unproven
    const absent = back === c1 ? c2 : c1;
    // Once the present one has dealt it is proven: the other may take the unproven seat as soon
    // as its own exclusion (which began ABSENCE_BLOCKS later) ends.
    const excluded = () => (net.ledger.seats.get(bytesToHex(absent.publicKey))?.excludedUntil ?? 0) > net.ledger.height + 1;
    blocks.push(await blockWithout(net, [absent]));
    expect(seated(net, [present])).toHaveLength(1);
    while (excluded()) {
      expect(seated(net, [c1, c2])).toEqual([present]);
      blocks.push(await blockWithout(net, [absent]));
    }
    blocks.push(await blockWithout(net, [absent]));
    expect(seated(net, [c1, c2])).toHaveLength(2);
    for (let i = 0; i < ABSENCE_BLOCKS; i++) blocks.push(await blockWithout(net, [absent]));
    expect(seated(net, [c1, c2])).toEqual([present]); // and out again, absent
    // A second ledger, applying decoded copies of every block, agrees on the seats and the state.
    const copy = Ledger.withGenesis(net.settings).ledger;
    for (const block of made) await copy.applyBlock(decodeBlock(encodeBlock(block)));
    expect(copy.height).toBe(net.ledger.height);
    expect(bytesToHex(copy.stateHash())).toBe(bytesToHex(net.ledger.stateHash()));
    expect([...copy.seats.entries()]).toEqual([...net.ledger.seats.entries()]);
  });

  it('a participation record that marks fewer than M validators, or comes with anything else: BLOCK_MINER_PARTICIPATION_WRONG', async () => {
    const net = testNet(4, keyOf(32));
    const validators = net.ledger.nextValidators();
    const m = consensusThreshold(validators.length);
    const base = net.ledger.prepareBlock({ transactions: [], timestamp: net.ledger.tip.timestamp + 2, consensusData: 5n, participation: validators.map(() => true) });
    const miner = base.transactions[0];
    const variants = [
      participationAttribute(validators.map((_, i) => i < m - 1)), // too few
      { usage: 0xf0, data: new Uint8Array(2).fill(0xff) }, // too long
      { usage: 0xf0, data: Uint8Array.of(0xff) }, // bits past N
      { usage: 0xf1, data: Uint8Array.of(0x0f) }, // another attribute
    ];
    for (const a of variants) {
      const txs = [{ ...miner, attributes: [a] }];
      const block = signBlock({ ...base, transactions: txs, merkleRoot: computeMerkleRoot(txs) }, validators, net.keys);
      await expect(net.ledger.applyBlock(block)).rejects.toMatchObject({ code: 'BLOCK_MINER_PARTICIPATION_WRONG' });
    }
    const twice = [{ ...miner, attributes: [miner.attributes[0], miner.attributes[0]] }];
    await expect(net.ledger.applyBlock(signBlock({ ...base, transactions: twice, merkleRoot: computeMerkleRoot(twice) }, validators, net.keys))).rejects.toMatchObject({ code: 'BLOCK_MINER_PARTICIPATION_WRONG' });
    await net.ledger.applyBlock(signBlock(base, validators, net.keys)); // the record as made: accepted
    expect(encodeBlock(signBlock(base, validators, net.keys)).length).toBeGreaterThan(0);
  });
});
