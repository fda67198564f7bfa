/** Opcodes of the account scripts (docs/protocol.md, "Keys, scripts, addresses"). */
export const OpCode = {
  PUSH0: 0x00,
  /** PUSHBYTES1..PUSHBYTES75 are 0x01..0x4B: push the next N bytes. */
  PUSHBYTES1: 0x01,
  PUSHBYTES75: 0x4b,
  PUSHDATA1: 0x4c,
  PUSHDATA2: 0x4d,
  PUSHDATA4: 0x4e,
  PUSHM1: 0x4f,
  /** PUSH1 (also PUSHT, "true") .. PUSH16 are 0x51..0x60. */
  PUSH1: 0x51,
  PUSH16: 0x60,
  NOP: 0x61,
  CHECKSIG: 0xac,
  CHECKMULTISIG: 0xae,
} as const;

/** True for the opcodes that only push data (the only ones an invocation script may hold). */
export function isPushOpcode(op: number): boolean {
  return op <= OpCode.PUSH16 && op !== 0x50;
}
