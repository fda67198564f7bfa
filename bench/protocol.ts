/**
 * Protocol core: raw P-256 verification (WebCrypto and noble) against the per-transaction path
 * (decode + hash + witness check of single-signature ContractTransactions), in one run.
 */
import { generatePrivateKey, getPublicKey, hash256, sign, verifyNoble, SignatureVerifier } from '../core/crypto/index.ts';
import { scriptHash, singleKeyScript } from '../core/script/index.ts';
import {
  checkTransactionBatch, decodeTransaction, decodeTransactionWithMessage, encodeTransaction, signTransaction, signingMessage, verifyWitnesses, type Transaction,
} from '../core/tx/index.ts';
import { ANTCOIN_ID } from '../core/block/index.ts';
import { bytesToHex } from '../core/encoding/index.ts';
import { fmt, header, line, paired, pool, rate } from './util.ts';

const IN_FLIGHT = 64;
/** Transactions decoded together before their signatures are checked together (a block's worth). */
const BATCH = 1024;
/** Alternating rounds of baseline and subject; the median ratio is reported. */
const ROUNDS = 7;

/** Signed single-signature transfers, and for each the account that must sign it (what the ledger knows). */
function transfers(count: number, distinctKeys: number): { bytes: Uint8Array[]; signerOf: Map<string, Uint8Array> } {
  const signerOf = new Map<string, Uint8Array>();
  const keys = Array.from({ length: distinctKeys }, () => generatePrivateKey());
  const scripts = keys.map((k) => singleKeyScript(getPublicKey(k)));
  const bytes = Array.from({ length: count }, (_, i) => {
    const k = i % distinctKeys;
    const tx: Transaction = {
      type: 'ContractTransaction', version: 0, attributes: [], witnesses: [],
      inputs: [{ prevHash: new Uint8Array(32).map((_, j) => (i * 31 + j) & 0xff), prevIndex: i & 0xffff }],
      outputs: [
        { assetId: ANTCOIN_ID, value: 100_000_000n, scriptHash: scriptHash(scripts[(k + 1) % distinctKeys]) },
        { assetId: ANTCOIN_ID, value: 4_900_000_000n, scriptHash: scriptHash(scripts[k]) },
      ],
    };
    signerOf.set(outputKey(tx.inputs[0]), scriptHash(scripts[k]));
    return encodeTransaction(signTransaction(tx, [{ script: scripts[k], keys: [keys[k]] }]));
  });
  return { bytes, signerOf };
}

/** What a node does with a transaction it receives: decode, hash (its id), check its witnesses. */
async function checkTransaction(bytes: Uint8Array, verifier: SignatureVerifier, signerOf: Map<string, Uint8Array>): Promise<Uint8Array> {
  const { tx, message } = decodeTransactionWithMessage(bytes);
  const id = hash256(message);
  await verifyWitnesses(tx, signersFrom(signerOf, tx), verifier, message);
  return id;
}

/** The id of a spent output, as a ledger keys its unspent outputs. */
function outputKey(input: { prevHash: Uint8Array; prevIndex: number }): string {
  return `${bytesToHex(input.prevHash)}:${input.prevIndex}`;
}

/** The signer list a ledger gives: the owner of each output the transaction spends. */
function signersFrom(signerOf: Map<string, Uint8Array>, tx: Transaction): Uint8Array[] {
  return tx.inputs.map((input) => {
    const owner = signerOf.get(outputKey(input));
    if (!owner) throw new Error('bench: spends an unknown output');
    return owner;
  });
}

export async function benchProtocol(): Promise<{ webcryptoParallel: number }> {
  header('Protocol core: signatures and transactions (one process)');
  const N = 8000;
  const priv = Array.from({ length: 256 }, () => generatePrivateKey());
  const items = Array.from({ length: N }, (_, i) => {
    const k = priv[i % priv.length];
    const message = new Uint8Array(250).map((_, j) => (i + j) & 0xff);
    return { signature: sign(message, k), message, publicKey: getPublicKey(k) };
  });

  // Correct results first: every signature verifies on both paths, a changed one fails.
  const verifier = new SignatureVerifier();
  const ok = await verifier.verifyMany(items);
  if (!ok.every(Boolean) || !items.slice(0, 20).every((i) => verifyNoble(i.signature, i.message, i.publicKey))) throw new Error('bench: a valid signature failed');
  const bad = { ...items[0], message: new Uint8Array(250) };
  if ((await verifier.verify(bad.signature, bad.message, bad.publicKey)) || verifyNoble(bad.signature, bad.message, bad.publicKey)) throw new Error('bench: a bad signature passed');

  const webSerial = await rate(2000, async () => {
    for (const i of items.slice(0, 2000)) await verifier.verify(i.signature, i.message, i.publicKey);
  });
  const webParallel = await rate(N, () => verifier.verifyMany(items, IN_FLIGHT));
  const noble = await rate(300, () => {
    for (const i of items.slice(0, 300)) verifyNoble(i.signature, i.message, i.publicKey);
  }, 2);
  line('raw P-256 verify, WebCrypto, 1 in flight', `${fmt(webSerial)}/s`);
  line(`raw P-256 verify, WebCrypto, ${IN_FLIGHT} in flight (baseline)`, `${fmt(webParallel)}/s`);
  line('raw P-256 verify, @noble/curves (fallback)', `${fmt(noble)}/s`, `${(noble / webParallel).toFixed(3)} x baseline`);

  // Transactions: senders seen before (key cache warm), then every sender new (one import each).
  const { bytes: warm, signerOf } = transfers(N, 500);
  const signersOf = (tx: Transaction) => signersFrom(signerOf, tx);
  const warmVerifier = new SignatureVerifier();
  await pool(warm, IN_FLIGHT, (b) => checkTransaction(b, warmVerifier, signerOf)); // correct, and fills the cache
  const tamperedTx = Uint8Array.from(warm[0]);
  tamperedTx[tamperedTx.length - 40] ^= 1; // inside the signature
  if (await checkTransaction(tamperedTx, warmVerifier, signerOf).then(() => true, () => false)) throw new Error('bench: a tampered transaction passed');
  const batches = Array.from({ length: Math.ceil(N / BATCH) }, (_, i) => warm.slice(i * BATCH, (i + 1) * BATCH));
  const checked = await checkTransactionBatch(batches[0], warmVerifier, signersOf);
  if (!checked.every((c) => c.ok) || (await checkTransactionBatch([tamperedTx], warmVerifier, signersOf))[0].ok) throw new Error('bench: batch check is wrong');
  const raw = () => verifier.verifyMany(items, IN_FLIGHT);
  const batch = await paired(N, raw, async () => {
    for (const b of batches) await checkTransactionBatch(b, warmVerifier, signersOf);
  }, ROUNDS);
  line(`ContractTransactions decoded+hashed+witness-checked, ${BATCH} a batch`, `${fmt(batch.subject)}/s`,
    `${batch.ratio.toFixed(2)} x raw WebCrypto measured alongside (${fmt(batch.baseline)}/s; goal >= 0.8)`);
  const single = await paired(N, raw, () => pool(warm, IN_FLIGHT, (b) => checkTransaction(b, warmVerifier, signerOf)), ROUNDS);
  line(`  the same, one by one as they arrive (${IN_FLIGHT} in flight)`, `${fmt(single.subject)}/s`, `${single.ratio.toFixed(2)} x raw alongside`);

  const { bytes: cold, signerOf: coldSigners } = transfers(3000, 3000);
  const txCold = await rate(3000, async () => {
    const v = new SignatureVerifier();
    for (let i = 0; i < cold.length; i += BATCH) await checkTransactionBatch(cold.slice(i, i + BATCH), v, (tx) => signersFrom(coldSigners, tx));
  }, 2);
  line(`ContractTransactions, every sender new (key import each), ${BATCH} a batch`, `${fmt(txCold)}/s`, `${(txCold / webParallel).toFixed(2)} x baseline`);

  const decodeOnly = await rate(N, () => {
    for (const b of warm) signingMessage(decodeTransaction(b));
  });
  line('ContractTransactions decoded + unsigned bytes (no signature)', `${fmt(decodeOnly)}/s`, `${(decodeOnly / webParallel).toFixed(1)} x baseline`);
  return { webcryptoParallel: webParallel };
}
