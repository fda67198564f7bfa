/** What a transaction does for its holder (core/wallet/explain.ts): the review and the history read it. */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../core/encoding/index.ts';
import { explainTransaction, unspentInputs, type Explanation } from '../core/wallet/explain.ts';
import { buildSwap } from '../core/wallet/contract.ts';
import { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE, account, step, testNet, transfer } from './devnet.ts';
import { keyOf } from './history.ts';

const hexes = (list: readonly { assetId: Uint8Array; value: bigint; counterparties: readonly Uint8Array[] }[]) =>
  list.map((m) => ({ asset: bytesToHex(m.assetId), value: m.value, to: m.counterparties.map(bytesToHex) }));
const mine = (...hashes: Uint8Array[]) => new Set(hashes.map(bytesToHex));

describe('a transaction explained for its holder', () => {
  it('a payment: the sender sees what leaves, to whom, and the fee apart; the receiver what arrives and from whom', async () => {
    const net = testNet(4, keyOf(21));
    await step(net);
    const bob = account();
    const fee = 400n * net.settings.fees.perByte;
    const tx = transfer(net, net.holder, bob.scriptHash, ANTSHARE_ID, 7n * FIXED8_ONE, 0n);
    const spent = unspentInputs(net.ledger, tx);
    const sender = explainTransaction(tx, spent, mine(net.holder.scriptHash));
    expect(sender.kind).toBe('sent');
    expect(hexes(sender.leaves)).toEqual([{ asset: bytesToHex(ANTSHARE_ID), value: 7n * FIXED8_ONE, to: [bytesToHex(bob.scriptHash)] }]);
    expect(sender.arrives).toEqual([]);
    expect(sender.fee).toBe(0n);
    const receiver = explainTransaction(tx, spent, mine(bob.scriptHash));
    expect(receiver.kind).toBe('received');
    expect(hexes(receiver.arrives)).toEqual([{ asset: bytesToHex(ANTSHARE_ID), value: 7n * FIXED8_ONE, to: [bytesToHex(net.holder.scriptHash)] }]);
    expect(receiver.feeFromHolder).toBe(0n);

    // AntCoin sent with its fee: what leaves is the amount, the fee is apart, and the holder pays it.
    await step(net, [transfer(net, net.holder, net.holder.scriptHash, ANTCOIN_ID, 10n * FIXED8_ONE, fee)]);
    const coin = transfer(net, net.holder, bob.scriptHash, ANTCOIN_ID, 3n * FIXED8_ONE, fee);
    const paid = explainTransaction(coin, unspentInputs(net.ledger, coin), mine(net.holder.scriptHash));
    expect(paid.kind).toBe('sent');
    expect(hexes(paid.leaves)).toEqual([{ asset: bytesToHex(ANTCOIN_ID), value: 3n * FIXED8_ONE, to: [bytesToHex(bob.scriptHash)] }]);
    expect([paid.fee, paid.feeFromHolder]).toEqual([fee, fee]);
    // Its own change is no movement; a payment to oneself is 'to-self'.
    const self = transfer(net, net.holder, net.holder.scriptHash, ANTSHARE_ID, FIXED8_ONE, 0n);
    expect(explainTransaction(self, unspentInputs(net.ledger, self), mine(net.holder.scriptHash))).toMatchObject({ kind: 'to-self', leaves: [], arrives: [] });
    // An input that could not be read is counted, not guessed.
    const blind: Explanation = explainTransaction(coin, [], mine(net.holder.scriptHash));
    expect(blind.unresolved).toBe(coin.inputs.length);
  });

  it('a swap: each side sees what it gives and what it gets; a fee shared between signers is not put on either', async () => {
    const net = testNet(4, keyOf(22));
    await step(net);
    const bob = account();
    const perByte = net.settings.fees.perByte;
    await step(net, [transfer(net, net.holder, bob.scriptHash, ANTCOIN_ID, 5n * FIXED8_ONE, 400n * perByte)]);
    // The holder gives 20 AntShare for 2 of Bob's AntCoin, and pays the fee from its own AntCoin.
    const { tx, fee } = buildSwap({ ledger: net.ledger, settings: net.settings, script: net.holder.script, counterparty: bob.scriptHash, give: { assetId: ANTSHARE_ID, value: 20n * FIXED8_ONE }, get: { assetId: ANTCOIN_ID, value: 2n * FIXED8_ONE } });
    const spent = unspentInputs(net.ledger, tx);
    const a = explainTransaction(tx, spent, mine(net.holder.scriptHash));
    const b = explainTransaction(tx, spent, mine(bob.scriptHash));
    expect(a.kind).toBe('exchanged');
    expect(hexes(a.leaves)).toEqual([{ asset: bytesToHex(ANTSHARE_ID), value: 20n * FIXED8_ONE, to: [bytesToHex(bob.scriptHash)] }]);
    expect(b.kind).toBe('exchanged');
    expect(hexes(b.leaves)).toEqual([{ asset: bytesToHex(ANTCOIN_ID), value: 2n * FIXED8_ONE, to: [bytesToHex(net.holder.scriptHash)] }]);
    expect(hexes(b.arrives)).toEqual([{ asset: bytesToHex(ANTSHARE_ID), value: 20n * FIXED8_ONE, to: [bytesToHex(net.holder.scriptHash)] }]);
    // Both spend AntCoin, so the fee is shared: neither is told it pays it, and the holder's AntCoin
    // that arrives is what is left after the fee.
    expect(a.fee).toBe(fee);
    expect([a.feeFromHolder, b.feeFromHolder]).toEqual([undefined, undefined]);
    expect(hexes(a.arrives)).toEqual([{ asset: bytesToHex(ANTCOIN_ID), value: 2n * FIXED8_ONE - fee, to: [bytesToHex(bob.scriptHash)] }]);
  });

  it('registration, issue, enrolment and votes say what they are, with their own figures', async () => {
    const net = testNet(4, keyOf(23));
    await step(net);
    const h = net.holder;
    const register = { type: 'RegisterTransaction' as const, version: 0, attributes: [], assetType: 'Token' as const, name: 'Points', amount: 1000n * FIXED8_ONE, precision: 2, issuer: h.publicKey, admin: h.scriptHash, inputs: [], outputs: [], witnesses: [] };
    expect(explainTransaction(register, [], mine(h.scriptHash))).toMatchObject({ kind: 'registered', registered: { name: 'Points', amount: 1000n * FIXED8_ONE, assetType: 'Token' } });
    const asset = new Uint8Array(32).fill(7);
    const bob = account();
    const issue = { type: 'IssueTransaction' as const, version: 0, attributes: [], inputs: [], outputs: [{ assetId: asset, value: 300n * FIXED8_ONE, scriptHash: bob.scriptHash }], witnesses: [] };
    const issuer = explainTransaction(issue, [], mine(h.scriptHash));
    expect(issuer.kind).toBe('issued');
    expect(hexes(issuer.issued)).toEqual([{ asset: bytesToHex(asset), value: 300n * FIXED8_ONE, to: [bytesToHex(bob.scriptHash)] }]);
    const got = explainTransaction(issue, [], mine(bob.scriptHash));
    expect(got.kind).toBe('received');
    expect(hexes(got.arrives)).toEqual([{ asset: bytesToHex(asset), value: 300n * FIXED8_ONE, to: [] }]);
    const candidate = account();
    const enrol = { type: 'EnrollmentTransaction' as const, version: 0, publicKey: candidate.publicKey, attributes: [], inputs: [], outputs: [{ assetId: ANTCOIN_ID, value: net.settings.enrollmentDeposit, scriptHash: candidate.scriptHash }], witnesses: [] };
    const e = explainTransaction(enrol, [], mine(h.scriptHash));
    expect(e.kind).toBe('enrolled');
    expect(e.enrolled?.deposit).toBe(net.settings.enrollmentDeposit);
    expect(bytesToHex(e.enrolled!.depositTo)).toBe(bytesToHex(candidate.scriptHash));
    const vote = { type: 'VotingTransaction' as const, version: 0, enrollments: [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)], attributes: [], inputs: [], outputs: [], witnesses: [] };
    expect(explainTransaction(vote, [], mine(h.scriptHash))).toMatchObject({ kind: 'voted', votes: vote.enrollments });
  });
});
