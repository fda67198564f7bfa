/**
 * The fault suite's election step: candidates that never run a node are enrolled and voted in,
 * as two wallets did in issue 15 (each enrols its pay key and votes for it; the faucet pays).
 * Here the genesis holder pays and votes, with nearly all AntShare, so that they win seats at
 * once. The chain must keep making blocks: docs/consensus-design.md ("Elections that cannot stop
 * the chain") gives the rule and the bound on the pause.
 */
import { bytesToHex } from '../core/encoding/bytes.ts';
import { generatePrivateKey, getPublicKey } from '../core/crypto/keys.ts';
import { scriptHash, singleKeyScript } from '../core/script/accounts.ts';
import { signTransaction, transactionHash, encodeTransaction, type Transaction } from '../core/tx/transaction.ts';
import { ANTCOIN_ID, ANTSHARE_ID } from '../core/block/genesis.ts';
import { buildPayment } from '../core/wallet/payment.ts';
import type { Load } from './load.ts';
import type { Cluster } from './cluster.ts';

/** The longest a block may take while an elected validator is absent (the consensus design's bound), for a block time. */
export function absentPauseBoundMs(blockTimeMs: number): number {
  // A height whose round-0 proposer is absent waits its round's timeout (half a block time) for
  // prevotes and again for precommits, then round 1 (twice as long each) succeeds: a block time
  // plus three round-0 timeouts, doubled for a slow machine.
  return 2 * (blockTimeMs + 3 * (blockTimeMs / 2));
}

async function submitAndWait(load: Load, tx: Transaction, ms: number): Promise<boolean> {
  const hash = bytesToHex(transactionHash(tx));
  const bytes = encodeTransaction(tx);
  const until = Date.now() + ms;
  // A host a block behind the observer refuses what builds on that block (a vote for a candidate
  // just enrolled: VOTE_CANDIDATE_UNKNOWN), as it should: asked again once it has the block.
  for (;;) {
    try {
      await load.submitAnywhere(bytes);
      break;
    } catch (e) {
      if ((e as { code?: string }).code && Date.now() > until - ms / 2) throw e;
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  while (Date.now() < until) {
    if (load.observer.chain.ledger.txs.has(hash)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/**
 * Enrols `count` fresh keys that no node runs, votes them in with the holder's AntShare, and
 * watches the chain for `watchMs`: blocks must keep coming, no gap above the bound.
 */
export async function electNoShows(load: Load, cluster: Cluster, count: number, watchMs: number): Promise<{ detail: string; problems: string[]; pauseBoundMs: number }> {
  const problems: string[] = [];
  const ledger = load.observer.chain.ledger;
  const settings = load.observer.settings;
  const holderScript = singleKeyScript(getPublicKey(cluster.faucetKey));
  const holder = scriptHash(holderScript);
  const enrollments: Uint8Array[] = [];
  const keys: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const key = generatePrivateKey();
    const candidate = singleKeyScript(getPublicKey(key));
    const { tx } = buildPayment({
      ledger, settings, script: holderScript, otherSigners: [candidate],
      outputs: [{ assetId: ANTCOIN_ID, value: settings.enrollmentDeposit, scriptHash: scriptHash(candidate) }],
      template: { type: 'EnrollmentTransaction', version: 0, attributes: [], publicKey: getPublicKey(key) },
    });
    const signed = signTransaction(tx, [{ script: holderScript, keys: [cluster.faucetKey] }, { script: candidate, keys: [key] }]);
    if (!(await submitAndWait(load, signed, 30_000))) problems.push(`enrolment ${i + 1} not final within 30 s`);
    enrollments.push(transactionHash(signed));
    keys.push(getPublicKey(key));
  }
  const weight = ledger.balance(holder, ANTSHARE_ID);
  const { tx: vote } = buildPayment({
    ledger, settings, script: holderScript,
    outputs: [{ assetId: ANTSHARE_ID, value: weight, scriptHash: holder }],
    template: { type: 'VotingTransaction', version: 0, attributes: [], enrollments },
  });
  const votedAt = load.observer.height;
  if (!(await submitAndWait(load, signTransaction(vote, [{ script: holderScript, keys: [cluster.faucetKey] }]), 30_000))) problems.push('the vote was not final within 30 s');
  const t0 = Date.now();
  const start = load.observer.height;
  let seated = 0;
  const seatedKeys = new Set<string>();
  while (Date.now() - t0 < watchMs) {
    const set = ledger.nextValidators().map(bytesToHex);
    const now = keys.filter((k) => set.includes(bytesToHex(k)));
    seated = Math.max(seated, now.length);
    for (const k of now) seatedKeys.add(bytesToHex(k));
    await new Promise((r) => setTimeout(r, 250));
  }
  const blocks = load.observer.height - start;
  const pauseBoundMs = absentPauseBoundMs(settings.blockTimeMs);
  if (blocks < Math.floor(watchMs / pauseBoundMs)) problems.push(`only ${blocks} blocks in ${watchMs / 1000} s after the vote`);
  // The voter withdraws (spends the vote's output to itself): the next steps run on the standby
  // validators again, whose failures they count on (an absent candidate's seat uses the one
  // fault four validators tolerate: docs/consensus-design.md).
  const { tx: withdraw } = buildPayment({ ledger, settings, script: holderScript, outputs: [{ assetId: ANTSHARE_ID, value: ledger.balance(holder, ANTSHARE_ID), scriptHash: holder }] });
  if (!(await submitAndWait(load, signTransaction(withdraw, [{ script: holderScript, keys: [cluster.faucetKey] }]), 30_000))) problems.push('the vote could not be withdrawn within 30 s');
  const until = Date.now() + 30_000;
  while (Date.now() < until && ledger.nextValidators().some((k) => keys.some((c) => bytesToHex(c) === bytesToHex(k)))) await new Promise((r) => setTimeout(r, 250));
  return {
    detail: `${count} candidates enrolled and voted in at height ${votedAt}; at most ${seated} held a seat at once (${seatedKeys.size} ever); ${blocks} blocks in the ${watchMs / 1000} s after`,
    problems, pauseBoundMs,
  };
}
