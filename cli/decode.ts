/** `ans tx decode` and `ans block decode`. */
import { hexToBytes } from '../core/encoding/bytes.ts';
import { decodeTransaction, transactionToJson } from '../core/tx/index.ts';
import { blockToJson, decodeBlock } from '../core/block/index.ts';
import { UsageError, parseArgs, readStdin } from './args.ts';
import { cleanHex, outJson } from './output.ts';

export async function decodeCommand(kind: 'tx' | 'block', argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'decode') throw new UsageError(`ans ${kind} decode <hex|->`);
  const a = parseArgs(rest, {});
  if (a.positionals.length !== 1) throw new UsageError(`ans ${kind} decode takes one hex string, or - to read it from stdin`);
  const text = a.positionals[0] === '-' ? await readStdin() : a.positionals[0];
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(cleanHex(text));
  } catch (e) {
    throw new UsageError(`the ${kind === 'tx' ? 'transaction' : 'block'} is not hex: ${(e as Error).message}`);
  }
  outJson(kind === 'tx' ? transactionToJson(decodeTransaction(bytes)) : blockToJson(decodeBlock(bytes)));
  return 0;
}
