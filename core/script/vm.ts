/**
 * A small stack VM for witnesses (docs/protocol.md): the invocation script (pushes only) runs,
 * then the verification script on the same stack; the witness passes when the VM halts with
 * exactly one item, true. CHECKSIG and CHECKMULTISIG verify ECDSA P-256 over SHA-256 of the
 * signed message. Steps and stack depth are bounded, so no script can make a node spin.
 */
import { defaultVerifier, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { bytesToInt, parseScript, type Instruction } from './builder.ts';
import { MAX_MULTISIG_KEYS } from './accounts.ts';
import { OpCode, isPushOpcode } from './opcodes.ts';

type Item = Uint8Array | bigint | boolean;

/** Why a run failed, for logs and peer scoring; `ok` when it halted with one true item. */
export type VmResult = { ok: true; reason?: undefined } | { ok: false; reason: string };

/** Limits of one witness run. */
export interface VmLimits {
  /** Instructions executed at most (default 4,096: a 1,024-of-1,024 witness needs 2,052). */
  maxSteps?: number;
  /** Items on the stack at most (default 2,100). */
  maxStack?: number;
}

class Fault extends Error {}

const PASSED: VmResult = Object.freeze({ ok: true });
const HALTED_FALSE: VmResult = Object.freeze({ ok: false, reason: 'halted with false' });

function toBool(x: Item): boolean {
  if (typeof x === 'boolean') return x;
  if (typeof x === 'bigint') return x !== 0n;
  return x.some((b) => b !== 0);
}

function toInt(x: Item): bigint {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'boolean') return x ? 1n : 0n;
  if (x.length > 32) throw new Fault('integer wider than 32 bytes');
  return bytesToInt(x);
}

function toBytes(x: Item): Uint8Array {
  if (x instanceof Uint8Array) return x;
  throw new Fault('expected bytes, found a number');
}

/**
 * Runs `invocation` then `verification` against `message` (the unsigned bytes that were signed).
 * Never throws for bad scripts: every failure is `{ ok: false, reason }`.
 */
export async function runWitness(
  invocation: Uint8Array,
  verification: Uint8Array,
  message: Uint8Array,
  verifier: SignatureVerifier = defaultVerifier(),
  limits: VmLimits = {},
): Promise<VmResult> {
  // The standard single-key witness (`40 <sig>` + `21 <key> AC`) runs PUSH, PUSH, CHECKSIG and
  // leaves one boolean: check it directly, with the same verifier and the same answer as the
  // general run below (tested), and without its per-instruction work.
  if (
    invocation.length === 65 && invocation[0] === 0x40 &&
    verification.length === 35 && verification[0] === 0x21 && verification[34] === OpCode.CHECKSIG
  ) {
    const ok = await verifier.verify(invocation.subarray(1), message, verification.subarray(1, 34));
    return ok ? PASSED : HALTED_FALSE;
  }
  const maxSteps = limits.maxSteps ?? 4096;
  const maxStack = limits.maxStack ?? 2100;
  const stack: Item[] = [];
  let steps = 0;
  const pop = (): Item => {
    const x = stack.pop();
    if (x === undefined) throw new Fault('stack underflow');
    return x;
  };
  const push = (x: Item) => {
    if (stack.length >= maxStack) throw new Fault('stack overflow');
    stack.push(x);
  };

  const run = async (ins: Instruction[], pushOnly: boolean) => {
    for (const i of ins) {
      if (++steps > maxSteps) throw new Fault(`step limit ${maxSteps} reached`);
      const op = i.opcode;
      if (pushOnly && !isPushOpcode(op)) throw new Fault(`opcode 0x${op.toString(16)} in an invocation script`);
      if (i.data !== undefined) push(i.data);
      else if (op === OpCode.PUSH0) push(new Uint8Array(0));
      else if (op === OpCode.PUSHM1) push(-1n);
      else if (op >= OpCode.PUSH1 && op <= OpCode.PUSH16) push(BigInt(op - OpCode.PUSH1 + 1));
      else if (op === OpCode.NOP) continue;
      else if (op === OpCode.CHECKSIG) {
        const key = toBytes(pop());
        const sig = toBytes(pop());
        push(await verifier.verify(sig, message, key));
      } else if (op === OpCode.CHECKMULTISIG) {
        const n = toInt(pop());
        if (n < 1n || n > BigInt(MAX_MULTISIG_KEYS)) throw new Fault(`CHECKMULTISIG with N=${n}`);
        const keys: Uint8Array[] = [];
        for (let k = 0; k < Number(n); k++) keys.unshift(toBytes(pop()));
        const m = toInt(pop());
        if (m < 1n || m > n) throw new Fault(`CHECKMULTISIG with M=${m}, N=${n}`);
        const sigs: Uint8Array[] = [];
        for (let k = 0; k < Number(m); k++) sigs.unshift(toBytes(pop()));
        // Signatures stand in the order of their keys: walk both lists once.
        let ok = true;
        for (let s = 0, k = 0; ok && s < sigs.length && k < keys.length; ) {
          steps++;
          if (await verifier.verify(sigs[s], message, keys[k])) s++;
          k++;
          if (sigs.length - s > keys.length - k) ok = false;
        }
        push(ok);
      } else throw new Fault(`unknown opcode 0x${op.toString(16)}`);
    }
  };

  try {
    await run(parseScript(invocation), true);
    await run(parseScript(verification), false);
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (stack.length !== 1) return { ok: false, reason: `halted with ${stack.length} items, expected 1` };
  return toBool(stack[0]) ? PASSED : HALTED_FALSE;
}
