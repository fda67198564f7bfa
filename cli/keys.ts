/** `ans key new|inspect` and `ans address`. */
import { writeFileSync } from 'node:fs';
import { bytesToHex, hexToBytes } from '../core/encoding/bytes.ts';
import { uintToString } from '../core/encoding/primitives.ts';
import {
  compressPublicKey, decodePublicKey, generatePrivateKey, getPublicKey, privateKeyFromHex, privateKeyFromWif, privateKeyToWif,
} from '../core/crypto/keys.ts';
import { addressFromScript, multiSigScript, scriptHash, singleKeyScript } from '../core/script/accounts.ts';
import { UsageError, parseArgs } from './args.ts';
import { out, outJson } from './output.ts';

function publicView(publicKey: Uint8Array) {
  const script = singleKeyScript(publicKey);
  return {
    publicKey: bytesToHex(compressPublicKey(publicKey)),
    script: bytesToHex(script),
    scriptHash: uintToString(scriptHash(script)),
    address: addressFromScript(script),
  };
}

function privateView(privateKey: Uint8Array) {
  return { privateKey: bytesToHex(privateKey), wif: privateKeyToWif(privateKey) };
}

/** Parses a private key (WIF or 64 hex digits) or a public key (66 or 130 hex digits, or 00). */
export function parseKey(text: string): { privateKey?: Uint8Array; publicKey: Uint8Array } {
  const t = text.trim();
  if (/^(0x)?[0-9a-fA-F]+$/.test(t)) {
    const hex = t.replace(/^0x/, '');
    if (hex.length === 64) {
      const privateKey = privateKeyFromHex(hex);
      return { privateKey, publicKey: getPublicKey(privateKey) };
    }
    if (hex.length === 66 || hex.length === 130) {
      const publicKey = hexToBytes(hex);
      if (decodePublicKey(publicKey) === null) throw new UsageError('the point at infinity has no address');
      return { publicKey };
    }
    throw new UsageError(`a key in hex has 64 (private), 66 or 130 (public) digits, not ${hex.length}`);
  }
  if (!/^[1-9A-HJ-NP-Za-km-z]{51,52}$/.test(t)) {
    throw new UsageError('not a key: expected WIF (52 characters), or hex of 64 (private), 66 or 130 (public) digits');
  }
  const privateKey = privateKeyFromWif(t);
  return { privateKey, publicKey: getPublicKey(privateKey) };
}

export async function keyCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'new') {
    const a = parseArgs(rest, { flags: ['private'], options: ['out'] });
    if (a.positionals.length) throw new UsageError(`ans key new takes no argument, got "${a.positionals[0]}"`);
    const privateKey = generatePrivateKey();
    const view = publicView(getPublicKey(privateKey));
    const file = a.options.get('out');
    if (file) {
      // A key file for a node of this machine: owner-only, never overwritten.
      try {
        writeFileSync(file, JSON.stringify({ ...view, wif: privateKeyToWif(privateKey) }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw new UsageError(code === 'EEXIST' ? `${file} exists: a key file is never overwritten` : `cannot write ${file}: ${code ?? (e as Error).message}`);
      }
    }
    outJson(a.flags.has('private') ? { ...privateView(privateKey), ...view } : view);
    if (!file && !a.flags.has('private')) process.stderr.write('ans: the private key was not shown or saved: pass --private to print it or --out FILE to save it\n');
    return 0;
  }
  if (sub === 'inspect') {
    const a = parseArgs(rest, { flags: ['private'] });
    if (a.positionals.length !== 1) throw new UsageError('ans key inspect takes one key: WIF, or hex');
    const key = parseKey(a.positionals[0]);
    const view = publicView(key.publicKey);
    outJson(a.flags.has('private') && key.privateKey ? { ...privateView(key.privateKey), ...view } : view);
    return 0;
  }
  throw new UsageError('ans key new | ans key inspect <wif|hex>');
}

export async function addressCommand(argv: readonly string[]): Promise<number> {
  const a = parseArgs(argv, { options: ['m'], flags: ['json'] });
  if (a.positionals.length === 0) throw new UsageError('ans address <pubkey...> [--m M]: give at least one public key');
  const keys = a.positionals.map((k) => {
    const parsed = parseKey(k);
    if (parsed.privateKey) throw new UsageError('ans address takes public keys: a private key was given');
    return parsed.publicKey;
  });
  const mText = a.options.get('m');
  let script: Uint8Array;
  if (mText === undefined) {
    if (keys.length > 1) throw new UsageError(`${keys.length} keys: say how many must sign with --m M`);
    script = singleKeyScript(keys[0]);
  } else {
    if (!/^\d+$/.test(mText)) throw new UsageError(`--m takes a whole number, got "${mText}"`);
    script = multiSigScript(Number(mText), keys);
  }
  const address = addressFromScript(script);
  if (a.flags.has('json')) outJson({ address, script: bytesToHex(script), scriptHash: uintToString(scriptHash(script)) });
  else out(address);
  return 0;
}
