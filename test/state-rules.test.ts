import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, parseFixed8, ProtocolError, uintToString } from '../core/encoding/index.ts';
import { INFINITY } from '../core/crypto/index.ts';
import { scriptHash, singleKeyScript } from '../core/script/index.ts';
import { signTransaction, type Transaction } from '../core/tx/index.ts';
import { computeMerkleRoot, type Block } from '../core/block/index.ts';
import { outpointKey, serviceFee } from '../core/state/index.ts';
import { expectedMinerOutputs } from '../core/state/rules/miner.ts';
import { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE, account, produce, signBlock, step, testNet, transactionHash, transfer, type Account, type TestNet } from './devnet.ts';

const FEE = parseFixed8('0.01');

/** A transaction funded with `from`'s AntCoin (fee + `coinOut`), signed by `signers`. */
function build(net: TestNet, from: Account, body: Partial<Transaction> & Pick<Transaction, 'type'>, signers: Account[], fee = FEE): Transaction {
  const outputs = [...(body.outputs ?? [])];
  const coinOut = outputs.filter((o) => bytesToHex(o.assetId) === bytesToHex(ANTCOIN_ID)).reduce((s, o) => s + o.value, 0n);
  const inputs = [...(body.inputs ?? [])];
  const used = new Set(inputs.map((i) => outpointKey(i.prevHash, i.prevIndex)));
  // AntCoin among the explicit inputs counts towards the fee.
  let got = inputs.reduce((sum, i) => {
    const u = net.ledger.utxos.get(outpointKey(i.prevHash, i.prevIndex));
    return u && bytesToHex(u.assetId) === bytesToHex(ANTCOIN_ID) ? sum + u.value : sum;
  }, 0n);
  for (const u of net.ledger.unspent(from.scriptHash, ANTCOIN_ID)) {
    if (got >= fee + coinOut) break;
    if (used.has(outpointKey(u.txHash, u.index))) continue;
    inputs.push({ prevHash: u.txHash, prevIndex: u.index });
    got += u.output.value;
  }
  if (got < fee + coinOut) throw new Error('test: not enough AntCoin');
  if (got > fee + coinOut) outputs.push({ assetId: ANTCOIN_ID, value: got - fee - coinOut, scriptHash: from.scriptHash });
  const tx = { version: 0, attributes: [], witnesses: [], ...body, inputs, outputs } as Transaction;
  return signTransaction(tx, signers.map((a) => ({ script: a.script, keys: [a.key] })));
}

/** The code a transaction is refused with, through the mempool path and inside a block; the state must not change. */
async function refusal(net: TestNet, tx: Transaction): Promise<string> {
  const before = bytesToHex(net.ledger.stateHash());
  let viaCheck = 'accepted';
  try {
    await net.ledger.checkTransaction(tx);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    viaCheck = e.code;
  }
  // The same transaction in a block built around the rules (a dishonest proposer's block), its
  // MinerTransaction paying the validators what the transaction pays: a block path that let the
  // transaction through would then be accepted, not refused for its miner's outputs (issue 15).
  const base = produce(net, []);
  const coin = (list: { assetId: Uint8Array; value: bigint }[]) => list.filter((o) => bytesToHex(o.assetId) === bytesToHex(ANTCOIN_ID)).reduce((sum, o) => sum + o.value, 0n);
  const spent = tx.inputs.map((i) => net.ledger.utxos.get(outpointKey(i.prevHash, i.prevIndex))).filter((u) => u !== undefined);
  const fees = coin(spent) - coin(tx.outputs) - serviceFee(net.settings, tx.type);
  const [reward] = base.transactions[0].outputs;
  const miner = { ...base.transactions[0], outputs: expectedMinerOutputs({ reward: reward?.value ?? 0n, holder: reward?.scriptHash ?? null, byteFees: fees > 0n ? fees : 0n, validators: net.ledger.nextValidators() }) };
  const txs = [miner, tx];
  const block = signBlock({ ...base, transactions: txs, merkleRoot: computeMerkleRoot(txs) }, net.ledger.nextValidators(), net.keys);
  let viaBlock = 'accepted';
  try {
    await net.ledger.applyBlock(block);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    // A rule that needs no ledger is reported for the block, with the transaction's rule as cause.
    viaBlock = e.code === 'BLOCK_TRANSACTION_INVALID' ? String(e.data.cause) : e.code;
  }
  if (viaBlock !== 'accepted') expect(bytesToHex(net.ledger.stateHash())).toBe(before);
  expect(viaBlock).toBe(viaCheck);
  return viaCheck;
}

async function accepted(net: TestNet, tx: Transaction): Promise<void> {
  await net.ledger.checkTransaction(tx);
  await step(net, [tx]);
  expect(net.ledger.txs.has(bytesToHex(transactionHash(tx)))).toBe(true);
}

/** A Share or other asset registered by `issuer` (who pays) with `admin`, issued to `to`. */
async function registerAndIssue(net: TestNet, issuer: Account, admin: Account, assetType: 'Share' | 'Currency' | 'Invoice' | 'Token', total: bigint, precision: number, issue: { to: Account; value: bigint }[]) {
  const reg = build(net, issuer, { type: 'RegisterTransaction', assetType, name: `[{"lang":"en","name":"${assetType} of ACME"}]`, amount: total, precision, issuer: issuer.publicKey, admin: admin.scriptHash } as Transaction, [issuer], net.settings.fees.register + FEE);
  await accepted(net, reg);
  const assetId = transactionHash(reg);
  const receivers = assetType === 'Share' || assetType === 'Invoice' ? issue.map((i) => i.to) : [];
  const iss = build(net, issuer, { type: 'IssueTransaction', outputs: issue.map((i) => ({ assetId, value: i.value, scriptHash: i.to.scriptHash })) }, dedupe([issuer, admin, ...receivers]));
  await accepted(net, iss);
  return assetId;
}

function dedupe(list: Account[]): Account[] {
  return [...new Map(list.map((a) => [bytesToHex(a.scriptHash), a])).values()];
}

let net: TestNet;
const alice = account();
const bob = account();
const admin = account();

beforeAll(async () => {
  net = testNet();
  for (let i = 0; i < 3; i++) await step(net);
  // Alice gets AntCoin and AntShare from the genesis holder.
  await step(net, [transfer(net, net.holder, alice.scriptHash, ANTCOIN_ID, 30n * FIXED8_ONE, FEE)]);
  await step(net, [transfer(net, net.holder, admin.scriptHash, ANTCOIN_ID, 10n * FIXED8_ONE, FEE)]);
});

describe('inputs', () => {
  it('spend of an unspent output: accepted; of a spent one: TX_INPUT_ALREADY_SPENT; of none: TX_INPUT_NOT_FOUND', async () => {
    const coins = net.ledger.unspent(alice.scriptHash, ANTCOIN_ID)[0];
    const pay = (to: Account) => build(net, alice, { type: 'ContractTransaction', inputs: [{ prevHash: coins.txHash, prevIndex: coins.index }], outputs: [{ assetId: ANTCOIN_ID, value: FIXED8_ONE, scriptHash: to.scriptHash }] }, [alice]);
    const first = pay(bob);
    await accepted(net, first);
    expect(await refusal(net, pay(admin))).toBe('TX_INPUT_ALREADY_SPENT');
    const ghost = build(net, alice, { type: 'ContractTransaction', inputs: [{ prevHash: new Uint8Array(32).fill(0xee), prevIndex: 0 }], outputs: [] }, [alice]);
    expect(await refusal(net, ghost)).toBe('TX_INPUT_NOT_FOUND');
  });

  it("spend without the owner's signature: TX_NOT_SIGNED (naming the owner); a forged one: TX_WITNESS_INVALID", async () => {
    const coins = net.ledger.unspent(alice.scriptHash, ANTCOIN_ID)[0];
    const body = { type: 'ContractTransaction' as const, inputs: [{ prevHash: coins.txHash, prevIndex: coins.index }], outputs: [{ assetId: ANTCOIN_ID, value: coins.output.value - FEE, scriptHash: alice.scriptHash }] };
    const signedByBob = signTransaction({ version: 0, attributes: [], witnesses: [], ...body } as Transaction, [{ script: bob.script, keys: [bob.key] }]);
    expect(await refusal(net, signedByBob)).toBe('TX_NOT_SIGNED');
    const err = await net.ledger.checkTransaction(signedByBob).catch((e: ProtocolError) => e);
    expect((err as ProtocolError).data.missing).toEqual([{ account: uintToString(alice.scriptHash), roles: ['owner of a spent output'] }]);
    const good = signTransaction({ version: 0, attributes: [], witnesses: [], ...body } as Transaction, [{ script: alice.script, keys: [alice.key] }]);
    const forged = { ...good, witnesses: [{ ...good.witnesses[0], invocation: Uint8Array.from(good.witnesses[0].invocation).fill(7, 10, 12) }] };
    expect(await refusal(net, forged)).toBe('TX_WITNESS_INVALID');
    await accepted(net, good);
  });
});

describe('value, assets and fees', () => {
  it('value kept per asset: accepted; created from nothing: TX_VALUE_UNBALANCED', async () => {
    const ok = transfer(net, net.holder, bob.scriptHash, ANTSHARE_ID, 5n * FIXED8_ONE, FEE);
    await accepted(net, ok);
    const u = net.ledger.unspent(net.holder.scriptHash, ANTSHARE_ID)[0];
    const bad = build(net, net.holder, { type: 'ContractTransaction', inputs: [{ prevHash: u.txHash, prevIndex: u.index }], outputs: [{ assetId: ANTSHARE_ID, value: u.output.value + FIXED8_ONE, scriptHash: bob.scriptHash }] }, [net.holder]);
    expect(await refusal(net, bad)).toBe('TX_VALUE_UNBALANCED');
  });

  it('output of an unknown asset: TX_ASSET_UNKNOWN', async () => {
    const bad = build(net, alice, { type: 'ContractTransaction', outputs: [{ assetId: new Uint8Array(32).fill(3), value: 1n, scriptHash: bob.scriptHash }] }, [alice]);
    expect(await refusal(net, bad)).toBe('TX_ASSET_UNKNOWN');
  });

  it('output finer than the precision: TX_OUTPUT_PRECISION (AntShare is indivisible)', async () => {
    const u = net.ledger.unspent(net.holder.scriptHash, ANTSHARE_ID)[0];
    const split = (value: bigint) => build(net, net.holder, {
      type: 'ContractTransaction', inputs: [{ prevHash: u.txHash, prevIndex: u.index }],
      outputs: [{ assetId: ANTSHARE_ID, value, scriptHash: bob.scriptHash }, { assetId: ANTSHARE_ID, value: u.output.value - value, scriptHash: net.holder.scriptHash }],
    }, [net.holder]);
    expect(await refusal(net, split(FIXED8_ONE / 2n))).toBe('TX_OUTPUT_PRECISION');
    await accepted(net, split(2n * FIXED8_ONE));
  });

  it('fee at the byte rate: accepted; below it: TX_FEE_TOO_SMALL with what is needed', async () => {
    const tooSmall = transfer(net, alice, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, 1n);
    expect(await refusal(net, tooSmall)).toBe('TX_FEE_TOO_SMALL');
    const err = (await net.ledger.checkTransaction(tooSmall).catch((e: ProtocolError) => e)) as ProtocolError;
    expect(err.data.paid).toBe('0.00000001');
    await accepted(net, transfer(net, alice, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, FEE));
  });
});

describe('assets: register and issue', () => {
  let assetId: Uint8Array;
  const issuer = account();

  beforeAll(async () => {
    await step(net, [transfer(net, net.holder, issuer.scriptHash, ANTCOIN_ID, 10n * FIXED8_ONE, FEE)]);
    assetId = await registerAndIssue(net, issuer, admin, 'Currency', 1000n * FIXED8_ONE, 2, [{ to: alice, value: 600n * FIXED8_ONE }]);
  });

  it('registers with the service fee; without it: TX_FEE_TOO_SMALL; native types: ASSET_TYPE_RESERVED; a type without rules here: ASSET_TYPE_UNKNOWN; no issuer key: ASSET_ISSUER_INVALID', async () => {
    expect(net.ledger.assets.get(bytesToHex(assetId))).toMatchObject({ assetType: 'Currency', issued: 600n * FIXED8_ONE, precision: 2 });
    const reg = (fee: bigint, assetType: 'Currency' | 'AntCoin' | '0x40' = 'Currency', issuerKey = issuer.publicKey) =>
      build(net, issuer, { type: 'RegisterTransaction', assetType, name: 'X', amount: FIXED8_ONE, precision: 0, issuer: issuerKey, admin: admin.scriptHash } as Transaction, [issuer], fee);
    expect(await refusal(net, reg(FEE))).toBe('TX_FEE_TOO_SMALL');
    expect(await refusal(net, reg(net.settings.fees.register + FEE, 'AntCoin'))).toBe('ASSET_TYPE_RESERVED');
    expect(await refusal(net, reg(net.settings.fees.register + FEE, '0x40'))).toBe('ASSET_TYPE_UNKNOWN'); // the reference's CreditFlag alone
    expect(await refusal(net, reg(net.settings.fees.register + FEE, 'Currency', INFINITY))).toBe('ASSET_ISSUER_INVALID');
  });

  it('issues up to the total; beyond it: ASSET_AMOUNT_EXCEEDED; AntShare: ASSET_NOT_ISSUABLE; without the admin: TX_NOT_SIGNED', async () => {
    const issue = (value: bigint, signers: Account[], asset = assetId) => build(net, issuer, { type: 'IssueTransaction', outputs: [{ assetId: asset, value, scriptHash: bob.scriptHash }] }, signers);
    expect(await refusal(net, issue(401n * FIXED8_ONE, [issuer, admin]))).toBe('ASSET_AMOUNT_EXCEEDED');
    expect(await refusal(net, issue(FIXED8_ONE, [issuer]))).toBe('TX_NOT_SIGNED');
    expect(await refusal(net, issue(FIXED8_ONE, [issuer, admin], ANTSHARE_ID))).toBe('ASSET_NOT_ISSUABLE');
    await accepted(net, issue(400n * FIXED8_ONE, [issuer, admin]));
    expect(net.ledger.supply(assetId)).toBe(1000n * FIXED8_ONE);
    expect(net.ledger.holdersOf(assetId).map((h) => h.units)).toEqual([600n * FIXED8_ONE, 400n * FIXED8_ONE]);
  });
});

describe('assets that need consent: Share and Invoice', () => {
  let share: Uint8Array;
  let invoice: Uint8Array;
  const company = account();

  beforeAll(async () => {
    await step(net, [transfer(net, net.holder, company.scriptHash, ANTCOIN_ID, 10n * FIXED8_ONE, FEE)]);
    share = await registerAndIssue(net, company, admin, 'Share', 1000n * FIXED8_ONE, 0, [{ to: alice, value: 100n * FIXED8_ONE }]);
    invoice = await registerAndIssue(net, company, admin, 'Invoice', -1n, 8, [{ to: alice, value: 50n * FIXED8_ONE }]);
  });

  const move = (asset: Uint8Array, value: bigint, signers: Account[]) => {
    const u = net.ledger.unspent(alice.scriptHash, asset)[0];
    return build(net, alice, {
      type: 'ContractTransaction', inputs: [{ prevHash: u.txHash, prevIndex: u.index }],
      outputs: [{ assetId: asset, value, scriptHash: bob.scriptHash }, { assetId: asset, value: u.output.value - value, scriptHash: alice.scriptHash }],
    }, signers);
  };

  it('a Share transfer needs the receiver and the admin', async () => {
    const noReceiver = move(share, 10n * FIXED8_ONE, [alice, admin]);
    expect(await refusal(net, noReceiver)).toBe('TX_NOT_SIGNED');
    const err = (await net.ledger.checkTransaction(noReceiver).catch((e: ProtocolError) => e)) as ProtocolError;
    expect(JSON.stringify(err.data.missing)).toContain('receiver of Share');
    const noAdmin = move(share, 10n * FIXED8_ONE, [alice, bob]);
    const err2 = (await net.ledger.checkTransaction(noAdmin).catch((e: ProtocolError) => e)) as ProtocolError;
    expect(err2.code).toBe('TX_NOT_SIGNED');
    expect(JSON.stringify(err2.data.missing)).toContain('admin of Share');
    await accepted(net, move(share, 10n * FIXED8_ONE, [alice, bob, admin]));
    expect(net.ledger.balance(bob.scriptHash, share)).toBe(10n * FIXED8_ONE);
  });

  it('an Invoice transfer needs the receiver, not the admin', async () => {
    expect(await refusal(net, move(invoice, FIXED8_ONE, [alice]))).toBe('TX_NOT_SIGNED');
    await accepted(net, move(invoice, FIXED8_ONE, [alice, bob]));
  });
});

describe('validators: enrolment and votes', () => {
  const candidate = account();

  beforeAll(async () => {
    await step(net, [transfer(net, net.holder, candidate.scriptHash, ANTCOIN_ID, 20n * FIXED8_ONE, FEE)]);
  });

  const enroll = (deposit: bigint) => build(net, candidate, {
    type: 'EnrollmentTransaction', publicKey: candidate.publicKey,
    outputs: [{ assetId: ANTCOIN_ID, value: deposit, scriptHash: candidate.scriptHash }],
  } as Transaction, [candidate], net.settings.fees.enroll + FEE);

  it('enrols with the deposit; too small: ENROLLMENT_DEPOSIT_TOO_SMALL; twice: ENROLLMENT_KEY_TAKEN', async () => {
    expect(await refusal(net, enroll(FIXED8_ONE / 2n))).toBe('ENROLLMENT_DEPOSIT_TOO_SMALL');
    const tx = enroll(2n * FIXED8_ONE);
    await accepted(net, tx);
    expect(net.ledger.candidates.has(bytesToHex(transactionHash(tx)))).toBe(true);
    expect(await refusal(net, enroll(2n * FIXED8_ONE))).toBe('ENROLLMENT_KEY_TAKEN');
  });

  it('votes with AntShare for candidates; unknown candidate: VOTE_CANDIDATE_UNKNOWN; no AntShare: VOTE_NO_ANTSHARE; and the election follows', async () => {
    const enrollment = [...net.ledger.candidates.entries()][0][0];
    const eid = Uint8Array.from(Buffer.from(enrollment, 'hex'));
    const u = net.ledger.unspent(net.holder.scriptHash, ANTSHARE_ID)[0];
    const vote = (enrollments: Uint8Array[], withShares = true) => build(net, net.holder, {
      type: 'VotingTransaction', enrollments,
      inputs: withShares ? [{ prevHash: u.txHash, prevIndex: u.index }] : [],
      outputs: withShares ? [{ assetId: ANTSHARE_ID, value: u.output.value, scriptHash: net.holder.scriptHash }] : [],
    } as Transaction, [net.holder]);
    expect(await refusal(net, vote([new Uint8Array(32).fill(9)]))).toBe('VOTE_CANDIDATE_UNKNOWN');
    expect(await refusal(net, vote([eid], false))).toBe('VOTE_NO_ANTSHARE');
    // The holder votes with nearly all AntShare for one candidate: the count stays at the standby
    // four (a vote naming one candidate), and the candidate takes a seat from a standby validator.
    const tx = vote([eid]);
    await net.ledger.checkTransaction(tx);
    const block = produce(net, [tx]);
    await net.ledger.applyBlock(block);
    const seats = net.ledger.nextValidators().map(bytesToHex);
    expect(seats).toHaveLength(4);
    expect(seats).toContain(bytesToHex(candidate.publicKey));
    // Spending the vote's output ends the vote; spending the deposit ends the candidacy.
    net.keys.set(bytesToHex(candidate.publicKey), candidate.key);
    const deposit = net.ledger.utxos.get(outpointKey(eid, 0))!;
    const leave = build(net, candidate, { type: 'ContractTransaction', inputs: [{ prevHash: eid, prevIndex: 0 }], outputs: [{ assetId: ANTCOIN_ID, value: deposit.value, scriptHash: candidate.scriptHash }] }, [candidate]);
    await accepted(net, leave);
    expect(net.ledger.candidates.has(enrollment)).toBe(false);
    await step(net);
    expect(net.ledger.nextValidators().map(bytesToHex)).not.toContain(bytesToHex(candidate.publicKey));
  });
});

describe('blocks', () => {
  it('a MinerTransaction paying the wrong holder or amount: BLOCK_MINER_OUTPUTS_WRONG', async () => {
    const good = produce(net);
    const miner = good.transactions[0];
    const variants: Transaction[] = [
      { ...miner, outputs: [{ ...miner.outputs[0], scriptHash: bob.scriptHash }] },
      { ...miner, outputs: [{ ...miner.outputs[0], value: miner.outputs[0].value + 1n }] },
      { ...miner, outputs: [] },
    ];
    for (const m of variants) {
      const txs = [m];
      const block = signBlock({ ...good, transactions: txs, merkleRoot: computeMerkleRoot(txs) }, net.ledger.nextValidators(), net.keys);
      await expect(net.ledger.applyBlock(block)).rejects.toMatchObject({ code: 'BLOCK_MINER_OUTPUTS_WRONG' });
    }
    await net.ledger.applyBlock(good);
  });

  it('header rules: height, previous hash, timestamp, nextMiner, signatures of the current validators', async () => {
    const good = produce(net);
    const resign = (b: Omit<Block, 'witness'>) => signBlock(b, net.ledger.nextValidators(), net.keys);
    const cases: [Block, string][] = [
      [resign({ ...good, height: good.height + 1 }), 'BLOCK_HEIGHT_WRONG'],
      [resign({ ...good, prevBlock: new Uint8Array(32) }), 'BLOCK_PREV_HASH_WRONG'],
      [resign({ ...good, timestamp: net.ledger.tip.timestamp }), 'BLOCK_TIMESTAMP_NOT_INCREASING'],
      [resign({ ...good, nextMiner: bob.scriptHash }), 'BLOCK_NEXT_MINER_WRONG'],
      [signBlock(good, [bob.publicKey], new Map([[bytesToHex(bob.publicKey), bob.key]])), 'BLOCK_WITNESS_NOT_NEXT_MINER'],
      [{ ...good, witness: { ...good.witness, invocation: Uint8Array.from(good.witness.invocation).fill(1, 5, 9) } }, 'BLOCK_WITNESS_INVALID'],
    ];
    const before = bytesToHex(net.ledger.stateHash());
    for (const [block, code] of cases) await expect(net.ledger.applyBlock(block), code).rejects.toMatchObject({ code });
    expect(bytesToHex(net.ledger.stateHash())).toBe(before);
    await net.ledger.applyBlock(good);
  });

  it('a block is a set: spending an output made later in the block is accepted; spending its own MinerTransaction is not', async () => {
    const first = transfer(net, alice, bob.scriptHash, ANTCOIN_ID, 2n * FIXED8_ONE, FEE);
    const second = signTransaction({
      type: 'ContractTransaction', version: 0, attributes: [], witnesses: [],
      inputs: [{ prevHash: transactionHash(first), prevIndex: 0 }],
      outputs: [{ assetId: ANTCOIN_ID, value: 2n * FIXED8_ONE - FEE, scriptHash: admin.scriptHash }],
    }, [{ script: bob.script, keys: [bob.key] }]);
    const adminBefore = net.ledger.balance(admin.scriptHash, ANTCOIN_ID);
    await step(net, [second, first]);
    expect(net.ledger.balance(admin.scriptHash, ANTCOIN_ID) - adminBefore).toBe(2n * FIXED8_ONE - FEE);
    expect(net.ledger.utxos.has(outpointKey(transactionHash(first), 0))).toBe(false);

    const base = produce(net);
    const minerHash = transactionHash(base.transactions[0]);
    const holderScript = scriptHash(singleKeyScript(net.holder.publicKey));
    const grab = signTransaction({
      type: 'ContractTransaction', version: 0, attributes: [], witnesses: [],
      inputs: [{ prevHash: minerHash, prevIndex: 0 }], outputs: [{ assetId: ANTCOIN_ID, value: 1n, scriptHash: holderScript }],
    }, [{ script: net.holder.script, keys: [net.holder.key] }]);
    const txs = [base.transactions[0], grab];
    const block = signBlock({ ...base, transactions: txs, merkleRoot: computeMerkleRoot(txs) }, net.ledger.nextValidators(), net.keys);
    await expect(net.ledger.applyBlock(block)).rejects.toMatchObject({ code: 'BLOCK_SPENDS_OWN_MINER_OUTPUT' });
  });

  it('one output spent twice in a block: BLOCK_DOUBLE_SPEND', async () => {
    const a = transfer(net, alice, bob.scriptHash, ANTCOIN_ID, FIXED8_ONE, FEE);
    const b = transfer(net, alice, admin.scriptHash, ANTCOIN_ID, FIXED8_ONE, FEE);
    const base = produce(net);
    const txs = [base.transactions[0], a, b];
    const block = signBlock({ ...base, transactions: txs, merkleRoot: computeMerkleRoot(txs) }, net.ledger.nextValidators(), net.keys);
    await expect(net.ledger.applyBlock(block)).rejects.toMatchObject({ code: 'BLOCK_DOUBLE_SPEND' });
  });
});
