/** Building and reading scripts: pushes of data and small integers, plain opcodes. */
import { concatBytes } from '../encoding/bytes.ts';
import { DecodeError } from '../encoding/errors.ts';
import { OpCode } from './opcodes.ts';

/** Minimal little-endian two's-complement bytes of an integer (0 -> empty), as the VM reads numbers. */
export function intToBytes(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  const out: number[] = [];
  let v = n;
  for (;;) {
    const byte = Number(v & 0xffn);
    v >>= 8n;
    out.push(byte);
    // Stop when the remaining value is just the sign extension of the last byte.
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

/** The integer that little-endian two's-complement bytes hold. */
export function bytesToInt(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b.length > 0 && (b[b.length - 1] & 0x80) !== 0) v -= 1n << BigInt(8 * b.length);
  return v;
}

/** Accumulates a script. */
export class ScriptBuilder {
  readonly #parts: Uint8Array[] = [];

  /** Appends plain opcodes. */
  emit(...ops: number[]): this {
    this.#parts.push(Uint8Array.from(ops));
    return this;
  }

  /** Pushes bytes with the shortest push: PUSHBYTESn, PUSHDATA1, 2 or 4. */
  pushData(data: Uint8Array): this {
    const n = data.length;
    let prefix: Uint8Array;
    if (n <= OpCode.PUSHBYTES75) prefix = Uint8Array.of(n);
    else if (n <= 0xff) prefix = Uint8Array.of(OpCode.PUSHDATA1, n);
    else if (n <= 0xffff) prefix = Uint8Array.of(OpCode.PUSHDATA2, n & 0xff, n >> 8);
    else prefix = Uint8Array.of(OpCode.PUSHDATA4, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
    this.#parts.push(prefix, data);
    return this;
  }

  /** Pushes an integer: PUSH0, PUSHM1, PUSH1..PUSH16, else its bytes (17 -> 01 11). */
  pushInt(value: number | bigint): this {
    const n = BigInt(value);
    if (n === 0n) return this.emit(OpCode.PUSH0);
    if (n === -1n) return this.emit(OpCode.PUSHM1);
    if (n >= 1n && n <= 16n) return this.emit(OpCode.PUSH1 - 1 + Number(n));
    return this.pushData(intToBytes(n));
  }

  /** The script's bytes. */
  toBytes(): Uint8Array {
    return concatBytes(...this.#parts);
  }
}

/** One instruction of a parsed script. */
export interface Instruction {
  readonly opcode: number;
  /** The pushed bytes, for PUSHBYTESn and PUSHDATAn. */
  readonly data?: Uint8Array;
}

/** Splits a script into instructions; a push that runs past the end is a DecodeError. */
export function parseScript(script: Uint8Array): Instruction[] {
  const out: Instruction[] = [];
  let i = 0;
  const take = (n: number): Uint8Array => {
    if (i + n > script.length) throw new DecodeError('Script', `push of ${n} bytes at ${i} runs past the end`);
    const d = script.subarray(i, i + n);
    i += n;
    return d;
  };
  const readLen = (size: number): number => {
    const b = take(size);
    let n = 0;
    for (let k = size - 1; k >= 0; k--) n = n * 256 + b[k];
    return n;
  };
  while (i < script.length) {
    const op = script[i++];
    if (op >= OpCode.PUSHBYTES1 && op <= OpCode.PUSHBYTES75) out.push({ opcode: op, data: take(op) });
    else if (op === OpCode.PUSHDATA1) out.push({ opcode: op, data: take(readLen(1)) });
    else if (op === OpCode.PUSHDATA2) out.push({ opcode: op, data: take(readLen(2)) });
    else if (op === OpCode.PUSHDATA4) out.push({ opcode: op, data: take(readLen(4)) });
    else out.push({ opcode: op });
  }
  return out;
}
