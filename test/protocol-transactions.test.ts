import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as arb from './arbitraries.ts';
import { expectDecodeErrorOrCanonical } from './helpers.ts';
import { DecodeError, ProtocolError, bytesToHex, concatBytes, hexToBytes, parseFixed8, uintToString } from '../core/encoding/index.ts';
import { SignatureVerifier, generatePrivateKey, getPublicKey } from '../core/crypto/index.ts';
import { dualKeyAccount, scriptHash, singleKeyScript, multiSigScript } from '../core/script/index.ts';
import {
  Order, Transaction, TransactionInput, TransactionInputSchema, TransactionOutput, TransactionOutputSchema, UnsignedTransaction, checkTransaction, checkTransactionBatch, decodeTransactionWithMessage, decodeTransaction, encodeTransaction, expandOrder, orderHash,
  decodeTransactionBatch, encodeTransactionBatch, signOrder, signTransaction, signingMessage, transactionHash, transactionToJson, verifyOrder, verifyWitnesses,
  type Transaction as Tx, type TransactionType,
} from '../core/tx/index.ts';
import { ANTCOIN_ID, ANTSHARE_ID, checkBlock, computeMerkleRoot, decodeBlockWithMessages, encodeBlockFrom } from '../core/block/index.ts';
import { decodeStrict } from '../core/encoding/primitives.ts';

/** Whatever decodes as a transaction is canonical: it encodes back to the very same bytes. */
const transactionDecodesCanonically = (bytes: Uint8Array) => expectDecodeErrorOrCanonical(bytes, decodeTransaction, encodeTransaction);

describe('transaction coders (every type)', () => {
  it('round-trip: decode(encode(tx)) = tx, and the bytes are stable', () => {
    fc.assert(fc.property(arb.transaction, (tx) => {
      const bytes = encodeTransaction(tx);
      const back = decodeTransaction(bytes);
      expect(back).toEqual(tx);
      expect(encodeTransaction(back)).toEqual(bytes);
    }), { numRuns: 400 });
  });

  it('inputs and outputs read directly give what their schemas give', () => {
    fc.assert(fc.property(arb.input, arb.output, (i, o) => {
      expect(TransactionInput.encode(i)).toEqual(TransactionInputSchema.encode(i));
      expect(TransactionInput.decode(TransactionInputSchema.encode(i))).toEqual(TransactionInputSchema.decode(TransactionInputSchema.encode(i)));
      expect(TransactionOutput.encode(o)).toEqual(TransactionOutputSchema.encode(o));
      expect(TransactionOutput.decode(TransactionOutputSchema.encode(o))).toEqual(o);
    }));
    expect(() => decodeStrict(TransactionOutput, new Uint8Array(59), 'x')).toThrow(DecodeError);
  });

  it('the hash covers everything but the witnesses', () => {
    fc.assert(fc.property(arb.transaction, arb.witness, (tx, w) => {
      const h = transactionHash(tx);
      expect(transactionHash({ ...tx, witnesses: [...tx.witnesses, w] })).toEqual(h);
      expect(bytesToHex(concatBytes(signingMessage(tx), encodeTransaction(tx).subarray(signingMessage(tx).length)))).toBe(bytesToHex(encodeTransaction(tx)));
      expect(UnsignedTransaction.decode(signingMessage(tx))).toEqual({ ...tx, witnesses: [] });
    }), { numRuns: 200 });
  });

  it('the message taken from received bytes is the unsigned encoding', () => {
    fc.assert(fc.property(arb.transaction, (tx) => {
      const { tx: back, message } = decodeTransactionWithMessage(encodeTransaction(tx));
      expect(back).toEqual(tx);
      expect(bytesToHex(message)).toBe(bytesToHex(signingMessage(tx)));
    }), { numRuns: 300 });
  });

  it('mutated bytes give a DecodeError or a canonical transaction, never another error', () => {
    fc.assert(fc.property(arb.mutated(arb.transaction.map(encodeTransaction)), transactionDecodesCanonically), { numRuns: 2000 });
  });

  it('random bytes give a DecodeError or a canonical transaction', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), transactionDecodesCanonically), { numRuns: 3000 });
    // Every type byte, followed by random data.
    fc.assert(fc.property(fc.constantFrom(0x00, 0x01, 0x02, 0x20, 0x24, 0x40, 0x80, 0xb0, 0xd0), fc.uint8Array({ maxLength: 200 }), (t, rest) =>
      transactionDecodesCanonically(concatBytes(Uint8Array.of(t), rest))), { numRuns: 3000 });
  });

  it('forged counts and lengths are refused by their bounds, without allocating', () => {
    const before = process.memoryUsage().arrayBuffers;
    const forged = [
      '8000' + 'feffffffff',                 // 4 billion attributes
      '800000' + 'ff0000000000000001',       // 2^56 inputs
      '80000000' + 'fe00000100',             // 65,537 outputs (one above the u16 index space)
      '8000000000' + '01' + 'fe00000001',    // a witness with a 16 MiB invocation script
      '2400' + 'fd0104',                     // 1,025 votes
      '2400' + '00',                         // no vote
      '4000' + '08' + 'fd0104',              // an asset name of 1,025 bytes
    ];
    for (const hex of forged) expect(() => decodeTransaction(hexToBytes(hex)), hex).toThrow(DecodeError);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });

  it('names the field path of a decode error', () => {
    const tx: Tx = { type: 'ContractTransaction', version: 0, attributes: [], inputs: [], outputs: [], witnesses: [] };
    const bytes = encodeTransaction(tx);
    expect(() => decodeTransaction(bytes.subarray(0, 3))).toThrow(/Transaction/);
    expect(() => decodeTransaction(concatBytes(bytes, Uint8Array.of(0)))).toThrow(DecodeError);
    expect(() => decodeTransaction(hexToBytes('4000' + '07' + '05' + '00'))).toThrow(/name/); // a name of 5 bytes, cut short
    expect(() => decodeTransaction(hexToBytes('5500'))).toThrow(/unknown transaction type 0x55/);
    expect(() => decodeTransaction(hexToBytes('800001' + '55' + '00'))).toThrow(/attribute usage 0x55/);
  });

  it('orders round-trip, re-encode canonically and refuse bad bytes with a DecodeError', () => {
    const order = fc.record({
      assetId: arb.uint256, valueAssetId: arb.uint256, agent: arb.uint160, amount: arb.fixed8, price: arb.fixed8, client: arb.uint160,
      inputs: fc.array(arb.input, { maxLength: 3 }), witnesses: fc.array(arb.witness, { maxLength: 2 }),
    });
    fc.assert(fc.property(order, (o) => {
      expect(Order.decode(Order.encode(o))).toEqual(o);
    }), { numRuns: 200 });
    fc.assert(fc.property(fc.oneof(arb.mutated(order.map((o) => Order.encode(o))), fc.uint8Array({ maxLength: 200 })), (bytes) =>
      expectDecodeErrorOrCanonical(bytes, (b) => decodeStrict(Order, b, 'Order'), (o) => Order.encode(o))), { numRuns: 1000 });
  });

  it('JSON views show every field of every type', () => {
    fc.assert(fc.property(arb.transaction, (tx) => {
      const j = transactionToJson(tx);
      expect(j.hash).toBe(uintToString(transactionHash(tx)));
      expect(j.type).toBe(tx.type);
      for (const k of Object.keys(tx)) expect(j, k).toHaveProperty(k);
      JSON.stringify(j);
    }), { numRuns: 200 });
  });
});

function contract(outputs: Tx['outputs'], inputs: Tx['inputs'] = []): Tx {
  return { type: 'ContractTransaction', version: 0, attributes: [], inputs, outputs, witnesses: [] };
}

describe('stateless rules (checkTransaction)', () => {
  const code = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof ProtocolError) return e.code;
      throw e;
    }
    return 'accepted';
  };
  const to = scriptHash(singleKeyScript(getPublicKey(generatePrivateKey())));
  const input = { prevHash: new Uint8Array(32).fill(7), prevIndex: 0 };

  it('each rule: one accepted and one rejected case', () => {
    const cases: [string, Tx, string][] = [
      ['positive output', contract([{ assetId: ANTSHARE_ID, value: 1n, scriptHash: to }]), 'accepted'],
      ['zero output', contract([{ assetId: ANTSHARE_ID, value: 0n, scriptHash: to }]), 'TX_OUTPUT_VALUE_NOT_POSITIVE'],
      ['negative output', contract([{ assetId: ANTSHARE_ID, value: -5n, scriptHash: to }]), 'TX_OUTPUT_VALUE_NOT_POSITIVE'],
      ['one input', contract([], [input]), 'accepted'],
      ['input twice', contract([], [input, input]), 'TX_DUPLICATE_INPUT'],
      ['version 0', contract([]), 'accepted'],
      ['version 1', { ...contract([]), version: 1 }, 'TX_VERSION_UNSUPPORTED'],
      ['claim', { type: 'ClaimTransaction', version: 0, claims: [input], attributes: [], inputs: [], outputs: [], witnesses: [] }, 'TX_TYPE_RESERVED'],
      ['miner without inputs', { type: 'MinerTransaction', version: 0, nonce: 1, attributes: [], inputs: [], outputs: [], witnesses: [] }, 'accepted'],
      ['miner with inputs', { type: 'MinerTransaction', version: 0, nonce: 1, attributes: [], inputs: [input], outputs: [], witnesses: [] }, 'TX_MINER_HAS_INPUTS'],
      ['too large', { ...contract([]), attributes: Array.from({ length: 2 }, () => ({ usage: 0xf0, data: new Uint8Array(60_000) })) }, 'TX_TOO_LARGE'],
    ];
    const pk = getPublicKey(generatePrivateKey());
    const own = scriptHash(singleKeyScript(pk));
    const enroll = (outTo: Uint8Array): Tx => ({ type: 'EnrollmentTransaction', version: 0, publicKey: pk, attributes: [], inputs: [], outputs: [{ assetId: ANTCOIN_ID, value: 100n, scriptHash: outTo }], witnesses: [] });
    cases.push(['enrol with own deposit', enroll(own), 'accepted'], ['enrol paying another', enroll(to), 'TX_ENROLLMENT_NO_DEPOSIT']);
    const vote = (e: Uint8Array[]): Tx => ({ type: 'VotingTransaction', version: 0, enrollments: e, attributes: [], inputs: [], outputs: [], witnesses: [] });
    cases.push(['vote', vote([new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)]), 'accepted'], ['vote twice', vote([new Uint8Array(32).fill(1), new Uint8Array(32).fill(1)]), 'TX_VOTE_DUPLICATE_CANDIDATE']);
    const reg = (assetType: 'Share' | 'Currency', amount: bigint, precision: number, name = 'Equity of ACME'): Tx => ({ type: 'RegisterTransaction', version: 0, assetType, name, amount, precision, issuer: pk, admin: own, attributes: [], inputs: [], outputs: [], witnesses: [] });
    cases.push(
      ['share, precision 0', reg('Share', parseFixed8('1000'), 0), 'accepted'],
      ['share, precision 2', reg('Share', parseFixed8('1000'), 2), 'TX_ASSET_PRECISION_INVALID'],
      ['currency, no cap', reg('Currency', -1n, 2), 'accepted'],
      ['currency, amount finer than precision', reg('Currency', parseFixed8('10.001'), 2), 'TX_ASSET_AMOUNT_INVALID'],
      ['zero total', reg('Currency', 0n, 2), 'TX_ASSET_AMOUNT_INVALID'],
      ['no name', reg('Currency', 100n, 8, ' '), 'TX_ASSET_NAME_INVALID'],
    );
    const order = (amount: bigint) => ({ amount, price: parseFixed8('2'), client: to, inputs: [{ prevHash: new Uint8Array(32).fill(Number(amount & 0xffn)), prevIndex: 0 }], witnesses: [] });
    const agency = (orders: ReturnType<typeof order>[], valueAssetId = ANTCOIN_ID): Tx => ({ type: 'AgencyTransaction', version: 0, assetId: ANTSHARE_ID, valueAssetId, agent: to, orders, splitOrder: undefined, attributes: [], inputs: [], outputs: [], witnesses: [] });
    cases.push(
      ['agency, buy and sell', agency([order(5n), order(-5n)]), 'accepted'],
      ['agency, buys only', agency([order(5n), order(6n)]), 'TX_AGENCY_ORDERS_ONE_SIDED'],
      ['agency, same asset', agency([order(5n), order(-5n)], ANTSHARE_ID), 'TX_AGENCY_SAME_ASSET'],
      ['agency, zero amount', agency([order(5n), order(-5n), order(0n)]), 'TX_AGENCY_ORDER_INVALID'],
    );
    for (const [what, tx, expected] of cases) expect(code(() => checkTransaction(tx)), what).toBe(expected);
  });
});

describe('signing and witnesses', () => {
  const verifier = new SignatureVerifier();
  const alice = generatePrivateKey();
  const bob = generatePrivateKey();
  const aliceScript = singleKeyScript(getPublicKey(alice));
  const bobScript = singleKeyScript(getPublicKey(bob));
  const input = { prevHash: new Uint8Array(32).fill(9), prevIndex: 1 };

  it('a signed transaction verifies against its signers, in script-hash order', async () => {
    const tx = signTransaction(contract([{ assetId: ANTCOIN_ID, value: 10n, scriptHash: scriptHash(bobScript) }], [input]), [
      { script: bobScript, keys: [bob] },
      { script: aliceScript, keys: [alice] },
    ]);
    await verifyWitnesses(tx, [scriptHash(aliceScript), scriptHash(bobScript)], verifier);
    const decoded = decodeTransaction(encodeTransaction(tx));
    await verifyWitnesses(decoded, [scriptHash(bobScript), scriptHash(aliceScript)], verifier);
    await expect(verifyWitnesses(tx, [scriptHash(aliceScript)], verifier)).rejects.toMatchObject({ code: 'TX_WITNESS_COUNT' });
    await expect(verifyWitnesses({ ...tx, witnesses: [...tx.witnesses].reverse() }, undefined, verifier)).rejects.toMatchObject({ code: 'TX_WITNESS_ORDER' });
    const changed = { ...tx, outputs: [{ ...tx.outputs[0], value: 11n }] };
    await expect(verifyWitnesses(changed, undefined, verifier)).rejects.toMatchObject({ code: 'TX_WITNESS_INVALID' });
  });

  it('a batch check reports each transaction on its own', async () => {
    const good = signTransaction(contract([{ assetId: ANTCOIN_ID, value: 10n, scriptHash: scriptHash(bobScript) }], [input]), [{ script: aliceScript, keys: [alice] }]);
    const badSig = encodeTransaction(good);
    badSig[badSig.length - 40] ^= 1; // inside the signature
    const results = await checkTransactionBatch([encodeTransaction(good), badSig, Uint8Array.of(0x80), encodeTransaction(good)], verifier, () => [scriptHash(aliceScript)]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    expect(results[0].ok && uintToString(results[0].hash)).toBe(uintToString(transactionHash(good)));
    expect(!results[1].ok && (results[1].error as ProtocolError).code).toBe('TX_WITNESS_INVALID');
    expect(!results[2].ok && results[2].error).toBeInstanceOf(DecodeError);
    const wrongSigner = await checkTransactionBatch([encodeTransaction(good)], verifier, () => [scriptHash(bobScript)]);
    expect(!wrongSigner[0].ok && (wrongSigner[0].error as ProtocolError).code).toBe('TX_WITNESS_SCRIPT_MISMATCH');
  });

  it('a dual-key (2-of-2) account needs both keys', async () => {
    const pay = generatePrivateKey();
    const query = generatePrivateKey();
    const acc = dualKeyAccount(getPublicKey(pay), getPublicKey(query));
    const base = contract([{ assetId: ANTCOIN_ID, value: 1n, scriptHash: scriptHash(acc.script) }], [input]);
    const tx = signTransaction(base, [{ script: acc.script, keys: [pay, query] }]);
    await verifyWitnesses(tx, [scriptHash(acc.script)], verifier);
    expect(() => signTransaction(base, [{ script: acc.script, keys: [query] }])).toThrow(/needs 2 keys, 1 held/);
  });

  it('M-of-N signs with the first M keys held, in key order', async () => {
    const keys = Array.from({ length: 4 }, () => generatePrivateKey());
    const script = multiSigScript(3, keys.map((k) => getPublicKey(k)));
    const tx = signTransaction(contract([], [input]), [{ script, keys: [keys[3], keys[0], keys[2], keys[1]] }]);
    expect(tx.witnesses[0].invocation.length).toBe(3 * 65);
    await verifyWitnesses(tx, [scriptHash(script)], verifier);
  });

  it('an order is signed by its client alone and survives the compact form', async () => {
    const client = scriptHash(aliceScript);
    const order = signOrder({ assetId: ANTSHARE_ID, valueAssetId: ANTCOIN_ID, agent: scriptHash(bobScript), amount: 5n, price: parseFixed8('2.5'), client, inputs: [input] }, { script: aliceScript, keys: [alice] });
    await verifyOrder(Order.decode(Order.encode(order)), verifier);
    const tx: Tx = { type: 'AgencyTransaction', version: 0, assetId: ANTSHARE_ID, valueAssetId: ANTCOIN_ID, agent: scriptHash(bobScript), orders: [{ amount: order.amount, price: order.price, client, inputs: order.inputs, witnesses: order.witnesses }], splitOrder: undefined, attributes: [], inputs: [], outputs: [], witnesses: [] };
    const back = decodeTransaction(encodeTransaction(tx));
    if (back.type !== 'AgencyTransaction') throw new Error('type');
    const expanded = expandOrder(back, back.orders[0]);
    expect(orderHash(expanded)).toEqual(orderHash(order));
    await verifyOrder(expanded, verifier);
    await expect(verifyOrder({ ...expanded, price: parseFixed8('3') }, verifier)).rejects.toMatchObject({ code: 'ORDER_WITNESS_INVALID' });
  });

  it('every type byte is the one of docs/protocol.md', () => {
    const bytes: Record<TransactionType, number> = {
      MinerTransaction: 0x00, IssueTransaction: 0x01, ClaimTransaction: 0x02, EnrollmentTransaction: 0x20, VotingTransaction: 0x24,
      RegisterTransaction: 0x40, ContractTransaction: 0x80, AgencyTransaction: 0xb0, PublishTransaction: 0xd0,
    };
    fc.assert(fc.property(arb.transaction, (tx) => {
      expect(encodeTransaction(tx)[0]).toBe(bytes[tx.type]);
    }), { numRuns: 100 });
    expect(decodeStrict(Transaction, encodeTransaction(contract([])), 'x').type).toBe('ContractTransaction');
  });
});

describe('gossip batches of transactions', () => {
  it('round-trip with each transaction\'s signed bytes and bytes; empty, oversized or damaged batches are DecodeErrors', () => {
    fc.assert(fc.property(fc.array(arb.transaction, { minLength: 1, maxLength: 5 }), (txs) => {
      const encoded = txs.map((t) => encodeTransaction(t));
      const batch = encodeTransactionBatch(encoded);
      const back = decodeTransactionBatch(batch);
      expect(back.map((b) => bytesToHex(encodeTransaction(b.tx)))).toEqual(encoded.map(bytesToHex));
      for (const [i, b] of back.entries()) expect(bytesToHex(b.message)).toBe(bytesToHex(signingMessage(txs[i])));
      expect(back.map((b) => bytesToHex(b.bytes))).toEqual(encoded.map(bytesToHex));
      expect(() => decodeTransactionBatch(batch.subarray(0, batch.length - 1))).toThrow(DecodeError);
      expect(() => decodeTransactionBatch(concatBytes(batch, Uint8Array.of(0)))).toThrow(DecodeError);
    }), { numRuns: 50 });
    expect(() => decodeTransactionBatch(Uint8Array.of(0))).toThrow(DecodeError);
    expect(() => decodeTransactionBatch(hexToBytes('fd0104'))).toThrow(DecodeError); // 1,025 claimed: over the bound, nothing allocated
    expect(() => encodeTransactionBatch([])).toThrow(RangeError);
  });
});

describe('what the reference reads, read the same (issue 15)', () => {
  const holder = generatePrivateKey();
  const holderScript = singleKeyScript(getPublicKey(holder));

  it('a key received uncompressed is read compressed: hash and signed bytes are those of the compressed encoding, alone and in a block', async () => {
    const key = arb.uncompressedKeys[0];
    const unsigned: Tx = { type: 'EnrollmentTransaction', version: 0, publicKey: key, attributes: [], inputs: [{ prevHash: new Uint8Array(32).fill(3), prevIndex: 1 }], outputs: [], witnesses: [] };
    const asRead = decodeTransaction(encodeTransaction(unsigned)) as Extract<Tx, { type: 'EnrollmentTransaction' }>;
    expect(asRead.publicKey.length).toBe(33);
    const deposit = { assetId: ANTCOIN_ID, value: 100n, scriptHash: scriptHash(singleKeyScript(asRead.publicKey)) };
    const tx = signTransaction({ ...unsigned, publicKey: asRead.publicKey, outputs: [deposit] } as Tx, [{ script: holderScript, keys: [holder] }]);
    const canonical = encodeTransaction(tx);
    // The same transaction with its key sent as 65 bytes (prefix 04): bytes 2..35 replaced.
    const wide = concatBytes(canonical.subarray(0, 2), key, canonical.subarray(35));
    const read = decodeTransactionWithMessage(wide);
    expect(bytesToHex((read.tx as Extract<Tx, { type: 'EnrollmentTransaction' }>).publicKey)).toBe(bytesToHex(canonical.subarray(2, 35)));
    expect(bytesToHex(read.message)).toBe(bytesToHex(signingMessage(tx)));
    expect(uintToString(transactionHash(read.tx))).toBe(uintToString(transactionHash(tx)));
    await verifyWitnesses(read.tx, undefined, undefined, read.message); // the signature, over the compressed bytes, verifies
    // In a block: the merkle root is of the compressed hashes; the receive path's messages agree.
    const miner: Tx = { type: 'MinerTransaction', version: 0, nonce: 1, attributes: [], inputs: [], outputs: [], witnesses: [] };
    const header = { version: 0, prevBlock: new Uint8Array(32), merkleRoot: computeMerkleRoot([miner, tx]), timestamp: 1, height: 1, consensusData: 0n, nextMiner: new Uint8Array(20), witness: { invocation: new Uint8Array(0), verification: new Uint8Array(0) } };
    const bytes = encodeBlockFrom({ ...header, transactions: [miner, tx] }, [encodeTransaction(miner), wide]);
    const { block, messages } = decodeBlockWithMessages(bytes);
    expect(bytesToHex(messages[1])).toBe(bytesToHex(signingMessage(tx)));
    expect(() => checkBlock(block, messages)).not.toThrow();
  });

  it('attribute usage 0x30 (the reference\'s Vote, 32 bytes) decodes and encodes back', () => {
    const tx: Tx = { type: 'ContractTransaction', version: 0, attributes: [{ usage: 0x30, data: new Uint8Array(32).fill(9) }], inputs: [], outputs: [], witnesses: [] };
    const bytes = encodeTransaction(tx);
    expect(decodeTransaction(bytes)).toEqual(tx);
    expect(() => decodeTransaction(hexToBytes('800001' + '30' + '09'.repeat(31)))).toThrow(DecodeError); // 31 bytes: short
  });

  it('every asset type byte decodes, as the reference reads it; the six have names', () => {
    const base = { type: 'RegisterTransaction' as const, version: 0, name: 'x', amount: 100n, precision: 0, issuer: getPublicKey(holder), admin: new Uint8Array(20), attributes: [], inputs: [], outputs: [], witnesses: [] };
    for (let byte = 0; byte < 256; byte++) {
      const bytes = encodeTransaction({ ...base, assetType: 'Currency' });
      bytes[2] = byte;
      const tx = decodeTransaction(bytes) as Extract<Tx, { type: 'RegisterTransaction' }>;
      expect(encodeTransaction(tx)).toEqual(bytes);
      if ([0x00, 0x01, 0x08, 0x60, 0x90, 0x98].includes(byte)) expect(tx.assetType).not.toMatch(/^0x/);
      else expect(tx.assetType).toBe(`0x${byte.toString(16).padStart(2, '0')}`);
    }
  });

  it('a transaction over 102,400 bytes: refused for a pool (TX_TOO_LARGE, the reference\'s relay policy), accepted by the block checks (the reference accepted block 1050514 and its 111,183-byte ClaimTransaction)', () => {
    const big: Tx = {
      type: 'ContractTransaction', version: 0, inputs: [], outputs: [], witnesses: [],
      attributes: [{ usage: 0xf0, data: new Uint8Array(60_000) }, { usage: 0xf1, data: new Uint8Array(60_000).fill(1) }],
    };
    expect(encodeTransaction(big).length).toBeGreaterThan(102_400);
    expect(() => checkTransaction(big)).toThrow(expect.objectContaining({ code: 'TX_TOO_LARGE' }));
    const miner: Tx = { type: 'MinerTransaction', version: 0, nonce: 2, attributes: [], inputs: [], outputs: [], witnesses: [] };
    const block = { version: 0, prevBlock: new Uint8Array(32), merkleRoot: computeMerkleRoot([miner, big]), timestamp: 1, height: 1, consensusData: 0n, nextMiner: new Uint8Array(20), witness: { invocation: new Uint8Array(0), verification: new Uint8Array(0) }, transactions: [miner, big] };
    expect(() => checkBlock(block)).not.toThrow();
    // A ClaimTransaction of 1,756 claims, the size of block 1050514's: read and written back the
    // same; this protocol reserves the type (docs/protocol.md), so its block checks refuse it for that.
    const claim: Tx = {
      type: 'ClaimTransaction', version: 0, claims: Array.from({ length: 1756 }, (_, i) => ({ prevHash: new Uint8Array(32).fill(i % 251), prevIndex: i })),
      attributes: [], inputs: [], outputs: [{ assetId: ANTCOIN_ID, value: 5n, scriptHash: scriptHash(holderScript) }], witnesses: [],
    } as Tx;
    expect(decodeTransaction(encodeTransaction(claim))).toEqual(claim);
    const withClaim = { ...block, transactions: [miner, claim], merkleRoot: computeMerkleRoot([miner, claim]) };
    expect(() => checkBlock(withClaim)).toThrow(expect.objectContaining({ data: expect.objectContaining({ cause: 'TX_TYPE_RESERVED' }) }));
  });
});
