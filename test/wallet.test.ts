import { describe, expect, it } from 'vitest';
import { bytesToHex, equalBytes, hexToBytes } from '../core/encoding/index.ts';
import { getPublicKey, comparePublicKeys } from '../core/crypto/index.ts';
import { addressToScriptHash } from '../core/script/accounts.ts';
import { encodeTransaction, signingMessage, transactionHash } from '../core/tx/index.ts';
import {
  accountScript, accountScriptHash, backupCheckPositions, buildPayment, createAccount, createWatchAccount, dualKeysFromMnemonic, dualKeysFromSeed, isValidMnemonic, newMnemonic,
  openMnemonic, openQueryKey, openPayKey, openSecret, sealSecret, signWithAccount, type AccountRecord, type ScryptParams,
} from '../core/wallet/index.ts';
import { ANTCOIN_ID, ANTSHARE_ID, FIXED8_ONE, step, testNet, transfer } from './devnet.ts';
import { keyOf } from './history.ts';

/** Cheap scrypt for tests of the logic; the default's cost is measured in the bench. */
const FAST: ScryptParams = { N: 1 << 10, r: 8, p: 1 };
const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'no error';
}

describe('dual keys from a mnemonic', () => {
  it('are reproducible, independent, and the pay key is the smaller', async () => {
    const a = await dualKeysFromMnemonic(MNEMONIC);
    const b = await dualKeysFromMnemonic(`  ${MNEMONIC.toUpperCase().replace(/ /g, '   ')} `);
    expect(bytesToHex(a.payPrivateKey)).toBe(bytesToHex(b.payPrivateKey));
    expect(bytesToHex(a.queryPrivateKey)).toBe(bytesToHex(b.queryPrivateKey));
    expect(bytesToHex(a.payPrivateKey)).not.toBe(bytesToHex(a.queryPrivateKey));
    expect(comparePublicKeys(getPublicKey(a.payPrivateKey), getPublicKey(a.queryPrivateKey))).toBeLessThan(0);
    expect(bytesToHex(a.payKey)).toBe(bytesToHex(getPublicKey(a.payPrivateKey)));
    // Published here as this project's vector: a change of the derivation changes every address.
    expect({ pay: bytesToHex(a.payKey), query: bytesToHex(a.queryKey), counter: a.counter }).toEqual({
      pay: '0339eabc0c6f3c7918546c40e519fe77ea1d6bdd868453850afd22936b63faa9a6',
      query: '03b4e8b27d0655d0768f661b7fad60677de984754b610c310c5f6f4cc2ae5bd274',
      counter: 3,
    });
  });

  it('keep deriving until the roles follow from the keys', () => {
    const counters = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const keys = dualKeysFromSeed(new Uint8Array(64).fill(i));
      expect(comparePublicKeys(keys.payKey, keys.queryKey)).toBeLessThan(0);
      counters.add(keys.counter);
    }
    expect(counters.has(0)).toBe(true);
    expect([...counters].some((c) => c > 0)).toBe(true); // about half the seeds need a second try
  });

  it('refuse a phrase with a wrong word or checksum', async () => {
    expect(isValidMnemonic(newMnemonic())).toBe(true);
    expect(await code(dualKeysFromMnemonic(MNEMONIC.replace('wave', 'wove')))).toBe('WALLET_MNEMONIC_INVALID');
    expect(await code(dualKeysFromMnemonic(MNEMONIC.replace('yellow', 'winner')))).toBe('WALLET_MNEMONIC_INVALID');
  });
});

describe('sealed secrets', () => {
  it('open with their password and label only', async () => {
    const secret = hexToBytes('11'.repeat(32));
    const sealed = await sealSecret(secret, 'correct horse', 'a', { params: FAST });
    expect(bytesToHex(await openSecret(sealed, 'correct horse', 'a'))).toBe(bytesToHex(secret));
    expect(await code(openSecret(sealed, 'correct horsE', 'a'))).toBe('WALLET_WRONG_PASSWORD');
    expect(await code(openSecret(sealed, 'correct horse', 'b'))).toBe('WALLET_WRONG_PASSWORD');
    const tampered = { ...sealed, ciphertext: sealed.ciphertext.replace(/^../, (h) => (parseInt(h, 16) ^ 1).toString(16).padStart(2, '0')) };
    expect(await code(openSecret(tampered, 'correct horse', 'a'))).toBe('WALLET_WRONG_PASSWORD');
    expect(await code(openSecret({ ...sealed, N: 1 << 30 }, 'correct horse', 'a'))).toBe('WALLET_KEY_FORMAT');
    expect(await code(sealSecret(secret, 'short', 'a', { params: FAST }))).toBe('WALLET_PASSWORD_WEAK');
    expect(JSON.stringify(sealed)).not.toContain('11'.repeat(8));
  });
});

describe('stored records that are not what the wallet wrote (issue 15)', () => {
  it('malformed records and keys give WALLET_KEY_FORMAT, never a raw TypeError or RangeError; costly scrypt parameters are refused before any work', async () => {
    const sealed = await sealSecret(hexToBytes('11'.repeat(32)), 'correct horse', 'a', { params: FAST });
    const bad: unknown[] = [
      null, 7, 'x', {}, { ...sealed, version: 2 }, { ...sealed, N: 'big' }, { ...sealed, N: 1000 }, { ...sealed, r: 0 }, { ...sealed, salt: 'zz' },
      { ...sealed, salt: sealed.salt.slice(2) }, { ...sealed, nonce: 5 }, { ...sealed, ciphertext: 'abc' }, { ...sealed, ciphertext: undefined },
    ];
    for (const record of bad) expect(await code(openSecret(record as typeof sealed, 'correct horse', 'a')), JSON.stringify(record)).toBe('WALLET_KEY_FORMAT');
    // N = 2^20, p = 16: 25 s of scrypt before failing, on e4033aa. Refused at once now.
    const t0 = performance.now();
    expect(await code(openSecret({ ...sealed, N: 1 << 20, p: 16 }, 'correct horse', 'a'))).toBe('WALLET_KEY_FORMAT');
    expect(performance.now() - t0).toBeLessThan(200);
    // The account records around them.
    const record = await createAccount({ mnemonic: MNEMONIC, queryPassword: 'query password', payPassword: 'pay password one', label: 'main', scrypt: FAST });
    for (const broken of [{ ...record, payPublicKey: 'nothex' }, { ...record, queryPublicKey: undefined }, { ...record, query: null }, { ...record, pay: { nonce: 1 } }, null]) {
      expect(await code(openQueryKey(broken as AccountRecord, 'query password')), JSON.stringify(broken)).toBe('WALLET_KEY_FORMAT');
      expect(await code(openPayKey(broken as AccountRecord, 'pay password one'))).toBe('WALLET_KEY_FORMAT');
    }
  });
});

describe('accounts', () => {
  it('two passwords: the query password opens the query key only, the pay password the pay key and the mnemonic', async () => {
    expect(await code(createAccount({ mnemonic: MNEMONIC, queryPassword: 'same password', payPassword: 'same password', label: 'x', scrypt: FAST }))).toBe('WALLET_PASSWORDS_SAME');
    const record = await createAccount({ mnemonic: MNEMONIC, queryPassword: 'query password', payPassword: 'pay password', label: 'main', scrypt: FAST });
    const keys = await dualKeysFromMnemonic(MNEMONIC);
    expect(bytesToHex(addressToScriptHash(record.address))).toBe(bytesToHex(keys.scriptHash));
    expect(bytesToHex(accountScriptHash(record))).toBe(bytesToHex(keys.scriptHash));
    expect(bytesToHex(await openQueryKey(record, 'query password'))).toBe(bytesToHex(keys.queryPrivateKey));
    expect(await code(openQueryKey(record, 'pay password'))).toBe('WALLET_WRONG_PASSWORD');
    expect(bytesToHex(await openPayKey(record, 'pay password'))).toBe(bytesToHex(keys.payPrivateKey));
    expect(await code(openPayKey(record, 'query password'))).toBe('WALLET_WRONG_PASSWORD');
    expect(await openMnemonic(record, 'pay password')).toBe(MNEMONIC);
    // Records cannot be swapped between uses: the pay record does not open as a query key.
    expect(await code(openQueryKey({ ...record, query: record.pay! }, 'pay password'))).toBe('WALLET_WRONG_PASSWORD');
    const stored = JSON.stringify(record);
    for (const secret of [keys.queryPrivateKey, keys.payPrivateKey]) expect(stored).not.toContain(bytesToHex(secret));
    expect(stored).not.toContain('winner');
  });

  it('a query-only account sees the same address and cannot sign', async () => {
    const keys = await dualKeysFromMnemonic(MNEMONIC);
    const watch = await createWatchAccount({ queryPrivateKey: keys.queryPrivateKey, payPublicKey: keys.payKey, queryPublicKey: keys.queryKey, queryPassword: 'query password', label: 'audit', scrypt: FAST });
    const full = await createAccount({ mnemonic: MNEMONIC, queryPassword: 'query password', payPassword: 'pay password', label: 'main', scrypt: FAST });
    expect(watch.address).toBe(full.address);
    expect(await code(openPayKey(watch, 'pay password'))).toBe('WALLET_WATCH_ONLY');
    expect(await code(createWatchAccount({ queryPrivateKey: keys.payPrivateKey, payPublicKey: keys.payKey, queryPublicKey: keys.queryKey, queryPassword: 'query password', label: 'x', scrypt: FAST }))).toBe('WALLET_KEY_FORMAT');
  });

  it('backup check positions are distinct, sorted, within the phrase', () => {
    for (let i = 0; i < 50; i++) {
      const p = backupCheckPositions(12);
      expect(p).toHaveLength(3);
      expect(new Set(p).size).toBe(3);
      expect([...p].sort((a, b) => a - b)).toEqual(p);
      expect(p.every((x) => x >= 0 && x < 12)).toBe(true);
    }
  });
});

describe('payments from a dual-key account', () => {
  it('pay the exact byte fee of their signed size, and the ledger takes them; the wrong pay password signs nothing', async () => {
    const net = testNet(4, keyOf(3));
    await step(net);
    const record = await createAccount({ mnemonic: MNEMONIC, queryPassword: 'query password', payPassword: 'pay password', label: 'main', scrypt: FAST });
    const me = accountScriptHash(record);
    const fee = (s: number) => BigInt(s) * net.settings.fees.perByte;
    await step(net, [transfer(net, net.holder, me, ANTSHARE_ID, 50n * FIXED8_ONE, fee(400))]);
    await step(net, [transfer(net, net.holder, me, ANTCOIN_ID, 3n * FIXED8_ONE, fee(400))]);
    const to = testNet(4, keyOf(9)).holder.scriptHash;
    const { tx, fee: paid } = buildPayment({ ledger: net.ledger, settings: net.settings, script: accountScript(record), outputs: [{ assetId: ANTSHARE_ID, value: 20n * FIXED8_ONE, scriptHash: to }] });
    expect(await code(signWithAccount(tx, record, await openQueryKey(record, 'query password'), 'query password'))).toBe('WALLET_WRONG_PASSWORD');
    const signed = await signWithAccount(tx, record, await openQueryKey(record, 'query password'), 'pay password');
    const size = encodeTransaction(signed).length;
    expect(paid).toBe(fee(size)); // exact: the placeholder witness had the signed one's size
    await net.ledger.checkTransaction(signed, undefined, signingMessage(signed));
    await step(net, [signed]);
    expect(net.ledger.balance(to, ANTSHARE_ID)).toBe(20n * FIXED8_ONE);
    expect(net.ledger.balance(me, ANTSHARE_ID)).toBe(30n * FIXED8_ONE);
    expect(net.ledger.balance(me, ANTCOIN_ID)).toBe(3n * FIXED8_ONE - paid);
    expect(net.ledger.txs.has(bytesToHex(transactionHash(signed)))).toBe(true);
    expect(() => buildPayment({ ledger: net.ledger, settings: net.settings, script: accountScript(record), outputs: [{ assetId: ANTSHARE_ID, value: 31n * FIXED8_ONE, scriptHash: to }] }))
      .toThrow(expect.objectContaining({ code: 'PAYMENT_FUNDS_LOW' }));
  });
});

describe('asset registration and issue from a dual-key account', () => {
  it('registers with the service fee, signed by the issuer key too; issues to many in one transaction; fees exact', async () => {
    const { issuerScript } = await import('../core/wallet/index.ts');
    const net = testNet(4, keyOf(4));
    await step(net);
    const record = await createAccount({ mnemonic: MNEMONIC, queryPassword: 'query password', payPassword: 'pay password', label: 'main', scrypt: FAST });
    const me = accountScriptHash(record);
    await step(net, [transfer(net, net.holder, me, ANTCOIN_ID, 5n * FIXED8_ONE, 400n * net.settings.fees.perByte)]);
    const queryKey = await openQueryKey(record, 'query password');
    const reg = buildPayment({
      ledger: net.ledger, settings: net.settings, script: accountScript(record), outputs: [], otherSigners: [issuerScript(record)],
      template: { type: 'RegisterTransaction', version: 0, attributes: [], assetType: 'Token', name: '[{"lang":"en","name":"Points"}]', amount: 1000n * FIXED8_ONE, precision: 2, issuer: hexToBytes(record.payPublicKey), admin: me },
    });
    expect(reg.fee).toBeGreaterThan(net.settings.fees.register);
    const signedReg = await signWithAccount(reg.tx, record, queryKey, 'pay password', { asIssuer: true });
    expect(reg.fee - net.settings.fees.register).toBe(BigInt(encodeTransaction(signedReg).length) * net.settings.fees.perByte);
    await step(net, [signedReg]);
    const assetId = transactionHash(signedReg);
    const others = [testNet(1, keyOf(11)).holder.scriptHash, testNet(1, keyOf(12)).holder.scriptHash];
    const issue = buildPayment({
      ledger: net.ledger, settings: net.settings, script: accountScript(record), outputs: [],
      template: { type: 'IssueTransaction', version: 0, attributes: [] },
      created: [{ assetId, value: 300n * FIXED8_ONE, scriptHash: others[0] }, { assetId, value: 12n * FIXED8_ONE + 50n * 1_000_000n, scriptHash: others[1] }],
    });
    await step(net, [await signWithAccount(issue.tx, record, queryKey, 'pay password')]);
    expect(net.ledger.balance(others[0], assetId)).toBe(300n * FIXED8_ONE);
    expect(net.ledger.balance(others[1], assetId)).toBe(1250n * 1_000_000n);
    expect(net.ledger.holdersOf(assetId).map((h) => bytesToHex(h.scriptHash))).toEqual(others.map(bytesToHex));
    expect(net.ledger.supply(assetId)).toBe(312n * FIXED8_ONE + 50n * 1_000_000n);
  });
});

describe('enrolling a validator key, not the pay key (issue 15)', () => {
  it('makes a validator key sealed under the pay password, enrols it with the account paying, and writes the key file ans node reads', async () => {
    const w = await import('../core/wallet/index.ts');
    const net = testNet(4, keyOf(6));
    await step(net);
    const plain = await createAccount({ mnemonic: MNEMONIC, queryPassword: 'query password', payPassword: 'pay password', label: 'main', scrypt: FAST });
    const me = accountScriptHash(plain);
    await step(net, [transfer(net, net.holder, me, ANTCOIN_ID, 5n * FIXED8_ONE, 400n * net.settings.fees.perByte)]);
    expect(await code(w.addValidatorKey(plain, 'wrong password'))).toBe('WALLET_WRONG_PASSWORD');
    const record = await w.addValidatorKey(plain, 'pay password', FAST);
    expect(record.validator!.publicKey).not.toBe(record.payPublicKey);
    w.checkAccountRecord(record);
    const queryKey = await openQueryKey(record, 'query password');
    const { tx, deposit } = w.buildEnrollment({ ledger: net.ledger, settings: net.settings, account: record, candidate: hexToBytes(record.validator!.publicKey) });
    const signed = await signWithAccount(tx, record, queryKey, 'pay password', { asValidator: true });
    await net.ledger.checkTransaction(signed);
    await step(net, [signed]);
    const candidate = [...net.ledger.candidates.values()][0];
    expect(bytesToHex(candidate.publicKey)).toBe(record.validator!.publicKey);
    expect(deposit).toBe(net.settings.enrollmentDeposit);
    // The key file: the WIF of the validator key, which `ans node --key` reads.
    const { privateKeyFromWif } = await import('../core/crypto/keys.ts');
    const file = w.validatorKeyFile(await w.openValidatorKey(record, 'pay password'));
    expect(bytesToHex(getPublicKey(privateKeyFromWif(file.trim())))).toBe(record.validator!.publicKey);
    expect(await code(w.openValidatorKey(record, 'query password'))).toBe('WALLET_WRONG_PASSWORD');
  });
});

describe('a swap contract between two dual-key accounts', () => {
  it('proposed and signed by one, checked, signed and final with the other; a mangled offer is refused', async () => {
    const w = await import('../core/wallet/index.ts');
    const net = testNet(4, keyOf(5));
    await step(net);
    const alice = await createAccount({ mnemonic: MNEMONIC, queryPassword: 'query password', payPassword: 'pay password', label: 'a', scrypt: FAST });
    const bob = await createAccount({ mnemonic: newMnemonic(), queryPassword: 'bob query pw', payPassword: 'bob pay pw', label: 'b', scrypt: FAST });
    const [a, b] = [accountScriptHash(alice), accountScriptHash(bob)];
    const perByte = net.settings.fees.perByte;
    await step(net, [transfer(net, net.holder, a, ANTCOIN_ID, 5n * FIXED8_ONE, 400n * perByte)]);
    await step(net, [transfer(net, net.holder, b, ANTSHARE_ID, 40n * FIXED8_ONE, 400n * perByte)]);
    // Alice gives 2 AntCoin for 15 AntShare of Bob's; she pays the fee.
    const { tx, fee } = w.buildSwap({ ledger: net.ledger, settings: net.settings, script: accountScript(alice), counterparty: b, give: { assetId: ANTCOIN_ID, value: 2n * FIXED8_ONE }, get: { assetId: ANTSHARE_ID, value: 15n * FIXED8_ONE } });
    const half = await signWithAccount(tx, alice, await openQueryKey(alice, 'query password'), 'pay password');
    const offer = w.encodeOffer(half);
    const received = w.decodeOffer(`see https://wallet/#${offer}`);
    expect(bytesToHex(encodeTransaction(received))).toBe(bytesToHex(encodeTransaction(half)));
    expect(await w.checkPresentWitnesses(received)).toHaveLength(1);
    // Bob sees exactly what he gives and gets.
    const flows = w.netFlows(net.ledger, received, b);
    expect(flows.get(bytesToHex(ANTSHARE_ID))).toBe(-15n * FIXED8_ONE);
    expect(flows.get(bytesToHex(ANTCOIN_ID))).toBe(2n * FIXED8_ONE);
    expect(w.feeOf(net.ledger, received)).toBe(fee);
    // Half signed, the ledger refuses it (Bob's signature missing).
    await expect(net.ledger.checkTransaction(received)).rejects.toMatchObject({ code: 'TX_NOT_SIGNED' });
    const full = await signWithAccount(received, bob, await openQueryKey(bob, 'bob query pw'), 'bob pay pw');
    expect(fee).toBeGreaterThanOrEqual(BigInt(encodeTransaction(full).length) * perByte);
    await step(net, [full]);
    expect(net.ledger.balance(a, ANTSHARE_ID)).toBe(15n * FIXED8_ONE);
    expect(net.ledger.balance(b, ANTSHARE_ID)).toBe(25n * FIXED8_ONE);
    expect(net.ledger.balance(b, ANTCOIN_ID)).toBe(2n * FIXED8_ONE);
    // A signature altered in transit: refused before Bob signs anything.
    const bad = { ...half, witnesses: half.witnesses.map((x) => ({ ...x, invocation: x.invocation.map((v, i) => (i === 10 ? v ^ 1 : v)) })) };
    await expect(w.checkPresentWitnesses(bad)).rejects.toMatchObject({ code: 'CONTRACT_SIGNATURE_INVALID' });
    expect(() => w.decodeOffer('ans-offer:@@@')).toThrow(expect.objectContaining({ code: 'DECODE_ERROR' }));
    expect(() => w.decodeOffer('hello')).toThrow(/an offer starts with/);
  });
});

describe('a Share transfer between holders, approved by the admin', () => {
  it('goes from signer to signer until none is missing; the fee covers every witness', async () => {
    const w = await import('../core/wallet/index.ts');
    const net = testNet(4, keyOf(6));
    await step(net);
    const open = (r: AccountRecord, pw: string) => openQueryKey(r, pw);
    const admin = await createAccount({ mnemonic: MNEMONIC, queryPassword: 'query password', payPassword: 'pay password', label: 'admin', scrypt: FAST });
    const bob = await createAccount({ mnemonic: newMnemonic(), queryPassword: 'bob query pw', payPassword: 'bob pay pw', label: 'b', scrypt: FAST });
    const carol = await createAccount({ mnemonic: newMnemonic(), queryPassword: 'carol query pw', payPassword: 'carol pay pw', label: 'c', scrypt: FAST });
    const [a, b, c] = [admin, bob, carol].map(accountScriptHash);
    const perByte = net.settings.fees.perByte;
    await step(net, [transfer(net, net.holder, a, ANTCOIN_ID, 5n * FIXED8_ONE, 400n * perByte)]);
    await step(net, [transfer(net, net.holder, b, ANTCOIN_ID, 5n * FIXED8_ONE, 400n * perByte)]);
    const adminKey = await open(admin, 'query password');
    const reg = w.buildPayment({
      ledger: net.ledger, settings: net.settings, script: accountScript(admin), outputs: [], otherSigners: [w.issuerScript(admin)],
      template: { type: 'RegisterTransaction', version: 0, attributes: [], assetType: 'Share', name: '[{"lang":"en","name":"Corp"}]', amount: 1000n * FIXED8_ONE, precision: 0, issuer: hexToBytes(admin.payPublicKey), admin: a },
    });
    const signedReg = await signWithAccount(reg.tx, admin, adminKey, 'pay password', { asIssuer: true });
    await step(net, [signedReg]);
    const corp = transactionHash(signedReg);
    const issue = w.buildPayment({
      ledger: net.ledger, settings: net.settings, script: accountScript(admin), outputs: [],
      template: { type: 'IssueTransaction', version: 0, attributes: [] }, created: [{ assetId: corp, value: 100n * FIXED8_ONE, scriptHash: b }],
    });
    const bobKey = await open(bob, 'bob query pw');
    // A Share's receiver consents to what it is given, even at issue.
    await step(net, [await signWithAccount(await signWithAccount(issue.tx, admin, adminKey, 'pay password'), bob, bobKey, 'bob pay pw')]);
    // Bob offers Carol 10 shares: Bob, Carol (receiver of a Share) and the admin must sign.
    const { tx, fee } = w.buildSwap({ ledger: net.ledger, settings: net.settings, script: accountScript(bob), counterparty: c, give: { assetId: corp, value: 10n * FIXED8_ONE }, get: { assetId: ANTCOIN_ID, value: 0n } });
    const who = (t: typeof tx) => w.missingSigners(net.ledger, t).map((m) => bytesToHex(m.scriptHash)).sort();
    expect(who(tx)).toEqual([a, b, c].map(bytesToHex).sort());
    const byBob = await signWithAccount(tx, bob, bobKey, 'bob pay pw');
    expect(who(byBob)).toEqual([a, c].map(bytesToHex).sort());
    expect(w.missingSigners(net.ledger, byBob).find((m) => equalBytes(m.scriptHash, a))?.roles[0]).toMatch(/^admin of Share/);
    const byAdmin = await signWithAccount(byBob, admin, adminKey, 'pay password');
    expect(who(byAdmin)).toEqual([bytesToHex(c)]);
    const full = await signWithAccount(byAdmin, carol, await open(carol, 'carol query pw'), 'carol pay pw');
    expect(w.missingSigners(net.ledger, full)).toEqual([]);
    expect(fee).toBeGreaterThanOrEqual(BigInt(encodeTransaction(full).length) * perByte);
    await step(net, [full]);
    expect(net.ledger.balance(c, corp)).toBe(10n * FIXED8_ONE);
    expect(net.ledger.balance(b, corp)).toBe(90n * FIXED8_ONE);
  });
});

describe('stealth addresses (wallet.md)', () => {
  it('pin the bytes hashed: a published vector', async () => {
    const w = await import('../core/wallet/index.ts');
    const keys = await dualKeysFromMnemonic(MNEMONIC);
    const meta = w.metaAddressOf(keys.payKey, keys.queryKey);
    const out = w.stealthOutputs(meta, 2, hexToBytes('11'.repeat(32)));
    expect({
      meta: w.encodeMetaAddress(meta), usage: out.attribute.usage, R: bytesToHex(out.attribute.data), outputs: out.scriptHashes.map(bytesToHex),
    }).toEqual(STEALTH_VECTOR);
  });

  it('only the recipient finds its outputs, with v alone; v + c_q and s + c_p spend them on the ledger; payments do not link', async () => {
    const w = await import('../core/wallet/index.ts');
    const { signTransaction } = await import('../core/tx/index.ts');
    const keys = await dualKeysFromMnemonic(MNEMONIC);
    const other = await dualKeysFromMnemonic(newMnemonic());
    const meta = w.decodeMetaAddress(w.encodeMetaAddress(w.metaAddressOf(keys.payKey, keys.queryKey)));
    const net = testNet(4, keyOf(6));
    await step(net);
    // The holder pays AntShare and AntCoin to one-time account 0, AntShare to account 1, and AntShare elsewhere.
    const pay = w.stealthOutputs(meta, 2);
    const sent = buildPayment({
      ledger: net.ledger, settings: net.settings, script: net.holder.script,
      template: { type: 'ContractTransaction', version: 0, attributes: [pay.attribute] },
      outputs: [
        { assetId: ANTSHARE_ID, value: 5n * FIXED8_ONE, scriptHash: pay.scriptHashes[0] },
        { assetId: ANTSHARE_ID, value: 3n * FIXED8_ONE, scriptHash: other.scriptHash },
        { assetId: ANTCOIN_ID, value: FIXED8_ONE, scriptHash: pay.scriptHashes[0] },
        { assetId: ANTSHARE_ID, value: 2n * FIXED8_ONE, scriptHash: pay.scriptHashes[1] },
      ],
    });
    const tx = signTransaction(sent.tx, [{ script: net.holder.script, keys: [net.holder.key] }]);
    await step(net, [tx]);
    const found = w.scanTransaction(tx, meta, keys.queryPrivateKey);
    expect(found.map((f) => [f.index, f.k])).toEqual([[0, 0], [2, 0], [3, 1]]);
    expect(w.scanTransaction(tx, w.metaAddressOf(other.payKey, other.queryKey), other.queryPrivateKey)).toEqual([]);
    // A bogus ephemeral key (not on the curve) is ignored.
    expect(w.scanTransaction({ ...tx, attributes: [{ usage: 0x02, data: new Uint8Array(32).fill(0xff) }] }, meta, keys.queryPrivateKey)).toEqual([]);
    // Account 0 spends with v + c_q and s + c_p.
    const spendKeys = w.oneTimePrivateKeys(keys.queryPrivateKey, keys.payPrivateKey, found[0]);
    const spend = buildPayment({ ledger: net.ledger, settings: net.settings, script: found[0].script, outputs: [{ assetId: ANTSHARE_ID, value: 5n * FIXED8_ONE, scriptHash: other.scriptHash }] });
    await step(net, [signTransaction(spend.tx, [{ script: found[0].script, keys: spendKeys }])]);
    expect(net.ledger.balance(other.scriptHash, ANTSHARE_ID)).toBe(8n * FIXED8_ONE);
    // Unlinkable: V' - S' differs from V - S and between one-time accounts.
    const { p256 } = await import('@noble/curves/nist.js');
    const diff = (q: Uint8Array, p: Uint8Array) => p256.Point.fromBytes(q).subtract(p256.Point.fromBytes(p)).toHex(true);
    const z = hexToBytes('02' + '33'.repeat(32));
    const [a, b] = [w.oneTimeAccount(meta, z, 0), w.oneTimeAccount(meta, z, 1)];
    expect(new Set([diff(meta.queryKey, meta.payKey), diff(a.queryKey, a.payKey), diff(b.queryKey, b.payKey)]).size).toBe(3);
    expect(() => w.decodeMetaAddress('ALq7AWrhAueN6mJNqk6FHJjnsEoPRytLdW')).toThrow(/MetaAddress/);
  });
});

/** This project's stealth vector: MNEMONIC's meta-address, r = 0x11…11, two one-time accounts. */
const STEALTH_VECTOR = {
  meta: 'DDtbEF8HzYVK9A1qjYU9qQhMyi4SPzHKwGFLo5zViEuaULGaeYXcUsfLkyvAa4NyX5gEoGhYNAjLXG7yPfhcwqt9m2aTghuFB',
  usage: 2,
  R: '0217e617f0b6443928278f96999e69a23a4f2c152bdf6d6cdf66e5b80282d4ed',
  outputs: ['1ff5fa534e6c88d9a23b4ed386dd65fbdecd56c4', '7ff29639652e2b499a77da395934b85872cba0e5'],
};

describe('backup files (issue 16)', () => {
  it('hold the accounts as stored (every key still sealed), come back whole, and refuse files that are not backups or whose accounts were edited', async () => {
    const w = await import('../core/wallet/index.ts');
    const a = await createAccount({ mnemonic: MNEMONIC, queryPassword: 'query password', payPassword: 'pay password', label: 'main', scrypt: FAST });
    const b = await createAccount({ mnemonic: newMnemonic(), queryPassword: 'q2 password', payPassword: 'p2 password', label: 'second', scrypt: FAST });
    const file = w.exportBackup([a, b]);
    // Nothing secret in the clear: no words, no private key.
    expect(file).not.toContain('legal winner');
    expect(file).not.toContain(bytesToHex(await openPayKey(a, 'pay password')));
    const back = w.importBackup(file);
    expect(back.map((r) => r.address)).toEqual([a.address, b.address]);
    expect(bytesToHex(await openPayKey(back[0], 'pay password'))).toBe(bytesToHex(await openPayKey(a, 'pay password')));
    expect(await w.openMnemonic(back[0], 'pay password')).toBe(MNEMONIC);
    expect(await code(w.openMnemonic(back[0], 'query password'))).toBe('WALLET_WRONG_PASSWORD');
    const refused = (text: string) => {
      try {
        w.importBackup(text);
        return 'imported';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(refused('not json')).toBe('WALLET_BACKUP_FORMAT');
    expect(refused(JSON.stringify({ accounts: [a] }))).toBe('WALLET_BACKUP_FORMAT');
    const parsed = JSON.parse(file);
    expect(refused(JSON.stringify({ ...parsed, accounts: [{ ...a, address: b.address }] }))).toBe('WALLET_BACKUP_FORMAT'); // another's address on these keys
    expect(refused(JSON.stringify({ ...parsed, accounts: [{ ...a, payPublicKey: b.payPublicKey }] }))).toBe('WALLET_BACKUP_FORMAT');
    expect(refused(JSON.stringify({ ...parsed, accounts: [{ ...a, pay: { ...a.pay, kdf: 'none' } }] }))).toBe('WALLET_KEY_FORMAT');
  });
});
