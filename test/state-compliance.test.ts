import { beforeAll, describe, expect, it } from 'vitest';
import { parseFixed8 } from '../core/encoding/index.ts';
import { signTransaction, type Transaction } from '../core/tx/index.ts';
import { evaluateShareTransfer, type CoSignedTransfer, type SharePolicy } from '../core/state/index.ts';
import { ANTCOIN_ID, FIXED8_ONE, account, step, testNet, transactionHash, transfer, type Account, type TestNet } from './devnet.ts';

const FEE = parseFixed8('0.01');
let net: TestNet;
let share: Uint8Array;
const company = account();
const admin = account();
const alice = account();
const bob = account();
const carol = account();
const log: CoSignedTransfer[] = [];

function withFee(from: Account, body: Pick<Transaction, 'inputs' | 'outputs'>, serviceFee = 0n): Pick<Transaction, 'inputs' | 'outputs'> {
  const c = net.ledger.unspent(from.scriptHash, ANTCOIN_ID)[0];
  return {
    inputs: [...body.inputs, { prevHash: c.txHash, prevIndex: c.index }],
    outputs: [...body.outputs, { assetId: ANTCOIN_ID, value: c.output.value - FEE - serviceFee, scriptHash: from.scriptHash }],
  };
}

/** Alice proposes to send `units` shares to `to`; the receiver signs; the admin has not yet. */
function proposal(to: Account, units: bigint): Transaction {
  const s = net.ledger.unspent(alice.scriptHash, share)[0];
  const body = withFee(alice, {
    inputs: [{ prevHash: s.txHash, prevIndex: s.index }],
    outputs: [{ assetId: share, value: units * FIXED8_ONE, scriptHash: to.scriptHash }, { assetId: share, value: s.output.value - units * FIXED8_ONE, scriptHash: alice.scriptHash }],
  });
  return signTransaction({ type: 'ContractTransaction', version: 0, attributes: [], witnesses: [], ...body }, [alice, to].map((a) => ({ script: a.script, keys: [a.key] })));
}

/** The admin's side: evaluate, and co-sign only an approved transfer. */
function adminReview(tx: Transaction, policy: SharePolicy) {
  const decision = evaluateShareTransfer(net.ledger, tx, share, policy, log);
  if (!decision.approve) return { decision, tx: undefined };
  log.push(...decision.transfers);
  return { decision, tx: signTransaction(tx, [{ script: admin.script, keys: [admin.key] }]) };
}

beforeAll(async () => {
  net = testNet();
  await step(net);
  await step(net);
  for (const who of [company, alice]) await step(net, [transfer(net, net.holder, who.scriptHash, ANTCOIN_ID, 5n * FIXED8_ONE, FEE)]);
  const reg = signTransaction({
    type: 'RegisterTransaction', version: 0, assetType: 'Share', name: 'ACME equity', amount: 1000n * FIXED8_ONE, precision: 0,
    issuer: company.publicKey, admin: admin.scriptHash, attributes: [], witnesses: [],
    ...withFee(company, { inputs: [], outputs: [] }, net.settings.fees.register),
  } as Transaction, [{ script: company.script, keys: [company.key] }]);
  await step(net, [reg]);
  share = transactionHash(reg);
  const issue = signTransaction({
    type: 'IssueTransaction', version: 0, attributes: [], witnesses: [],
    ...withFee(company, { inputs: [], outputs: [{ assetId: share, value: 400n * FIXED8_ONE, scriptHash: alice.scriptHash }] }),
  }, [company, admin, alice].map((a) => ({ script: a.script, keys: [a.key] })));
  await step(net, [issue]);
});

describe('Share compliance policy (the admin co-signs only what the policy allows)', () => {
  const policy: SharePolicy = { allowedHolders: [alice.scriptHash, bob.scriptHash], maxTransferPerYearBps: 2500, maxHolders: 2 };

  it('refuses a receiver not on the list: nothing co-signed, the reason shown, and the ledger refuses it unsigned', async () => {
    const { decision, tx } = adminReview(proposal(carol, 10n), policy);
    expect(tx).toBeUndefined();
    expect(decision.approve).toBe(false);
    if (!decision.approve) {
      expect(decision.reasons.map((r) => r.code)).toEqual(['POLICY_HOLDER_NOT_ALLOWED']);
      expect(decision.reasons[0].message).toContain('not on the list of allowed holders');
    }
    await expect(net.ledger.checkTransaction(proposal(carol, 10n))).rejects.toMatchObject({ code: 'TX_NOT_SIGNED' });
  });

  it('co-signs a transfer within 25% a year, which becomes final; refuses the one that passes the limit', async () => {
    const first = adminReview(proposal(bob, 60n), policy);
    expect(first.decision.approve).toBe(true);
    await step(net, [first.tx!]);
    expect(net.ledger.balance(bob.scriptHash, share)).toBe(60n * FIXED8_ONE);
    // 400 at the start of the year: 100 may go; 60 went, 50 more is too many, 40 is fine.
    const second = adminReview(proposal(bob, 50n), policy);
    expect(second.tx).toBeUndefined();
    if (!second.decision.approve) {
      expect(second.decision.reasons[0]).toMatchObject({ code: 'POLICY_YEARLY_LIMIT', data: { allowed: '100', earlier: '60', requested: '50' } });
    }
    const third = adminReview(proposal(bob, 40n), policy);
    expect(third.decision.approve).toBe(true);
    await step(net, [third.tx!]);
    expect(net.ledger.balance(bob.scriptHash, share)).toBe(100n * FIXED8_ONE);
  });

  it('counts the yearly limit in whole units of the asset (issue 16: "may transfer 0.5 a year" of indivisible shares)', () => {
    // 0.3 % of the 400 Alice started the year with is 1.2 shares: 1 may go, and the message says 1.
    const refused = adminReview(proposal(bob, 2n), { maxTransferPerYearBps: 30 });
    expect(refused.decision.approve).toBe(false);
    if (!refused.decision.approve) expect(refused.decision.reasons[0]).toMatchObject({ code: 'POLICY_YEARLY_LIMIT', data: { allowed: '1' } });
  });

  it('refuses a third holder when two are the most; without limits, approves what the ledger allows', () => {
    const crowded = adminReview(proposal(carol, 1n), { maxHolders: 2 });
    expect(crowded.tx).toBeUndefined();
    if (!crowded.decision.approve) expect(crowded.decision.reasons[0]).toMatchObject({ code: 'POLICY_TOO_MANY_HOLDERS', data: { holders: 3, max: 2 } });
    expect(crowded.decision.approve).toBe(false);
    expect(adminReview(proposal(carol, 1n), {}).decision.approve).toBe(true);
  });
});
