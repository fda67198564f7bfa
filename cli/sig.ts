/** `ans sig verify`: one signature, or JSON lines on stdin with `--batch`. */
import { createInterface } from 'node:readline';
import { hexToBytes } from '../core/encoding/bytes.ts';
import { decodePublicKey, type CurveName } from '../core/crypto/keys.ts';
import { SignatureVerifier, verifyNoble } from '../core/crypto/ecdsa.ts';
import { UsageError, parseArgs } from './args.ts';
import { out } from './output.ts';

interface Item {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

function hexField(name: string, value: unknown): Uint8Array {
  if (typeof value !== 'string') throw new UsageError(`${name} must be a hex string`);
  try {
    return hexToBytes(value.trim().replace(/^0x/, ''));
  } catch (e) {
    throw new UsageError(`${name} is not hex: ${(e as Error).message}`);
  }
}

function item(pubkey: unknown, msg: unknown, sig: unknown, curve: CurveName): Item {
  const publicKey = hexField('pubkey', pubkey);
  try {
    if (decodePublicKey(publicKey, curve) === null) throw new Error('infinity');
  } catch {
    throw new UsageError(`pubkey is not a point on ${curve}`);
  }
  // A signature of the wrong length is well-formed input that does not verify: "invalid".
  return { publicKey, message: hexField('msg', msg), signature: hexField('sig', sig) };
}

async function verifyAll(items: Item[], curve: CurveName, verifier: SignatureVerifier): Promise<boolean[]> {
  if (curve === 'secp256r1') return verifier.verifyMany(items);
  return items.map((i) => verifyNoble(i.signature, i.message, i.publicKey, curve));
}

export async function sigCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw new UsageError('ans sig verify --pubkey HEX --msg HEX --sig HEX | ans sig verify --batch');
  const a = parseArgs(rest, { options: ['pubkey', 'msg', 'sig', 'curve'], flags: ['batch'] });
  const curveName = a.options.get('curve') ?? 'secp256r1';
  if (curveName !== 'secp256r1' && curveName !== 'secp256k1') throw new UsageError(`--curve is secp256r1 or secp256k1, not "${curveName}"`);
  const curve: CurveName = curveName;
  const verifier = new SignatureVerifier();
  if (!a.flags.has('batch')) {
    for (const name of ['pubkey', 'msg', 'sig']) if (!a.options.has(name)) throw new UsageError(`--${name} is missing`);
    const [ok] = await verifyAll([item(a.options.get('pubkey'), a.options.get('msg'), a.options.get('sig'), curve)], curve, verifier);
    out(ok ? 'valid' : 'invalid');
    return ok ? 0 : 1;
  }
  if (a.options.has('pubkey') || a.options.has('msg') || a.options.has('sig')) throw new UsageError('--batch reads its signatures from stdin only');
  // Lines are verified in chunks, many in flight, and answered in input order.
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let chunk: Item[] = [];
  let lineNo = 0;
  const flush = async () => {
    const results = await verifyAll(chunk, curve, verifier);
    if (results.length) out(results.map((r) => (r ? 'valid' : 'invalid')).join('\n'));
    chunk = [];
  };
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let parsed: { pubkey?: unknown; msg?: unknown; sig?: unknown };
    try {
      parsed = JSON.parse(line);
    } catch {
      await flush();
      throw new UsageError(`line ${lineNo}: not JSON`);
    }
    try {
      chunk.push(item(parsed?.pubkey, parsed?.msg, parsed?.sig, curve));
    } catch (e) {
      await flush();
      throw new UsageError(`line ${lineNo}: ${(e as Error).message}`);
    }
    if (chunk.length >= 1024) await flush();
  }
  await flush();
  return 0;
}
