/**
 * Errors of the protocol layers.
 *
 * Misuse of an API throws TypeError / RangeError (as noble and scure do). Bytes that do not
 * decode throw {@link DecodeError}. A structure that decodes but breaks a rule of
 * docs/protocol.md throws {@link ProtocolError} with a stable code: the p2p layer maps codes to
 * peer actions, the UI maps them to translated text; nobody parses messages.
 */

/** Bytes that are not a valid encoding of the expected structure. */
export class DecodeError extends Error {
  /** Always `DECODE_ERROR`, so that callers can switch on `code` for every error of this module. */
  readonly code = 'DECODE_ERROR' as const;
  /** What was being decoded, e.g. `Transaction` or `Block`. */
  readonly what: string;

  constructor(what: string, message: string, options?: { cause?: unknown }) {
    super(`${what}: ${message}`, options);
    this.name = 'DecodeError';
    this.what = what;
  }
}

/** A rule of the protocol that a structure breaks, with the data that explains it. */
export class ProtocolError<C extends string = string> extends Error {
  /** The rule, e.g. `TX_OUTPUT_VALUE_NOT_POSITIVE`. */
  readonly code: C;
  /** Values that explain the rejection (hashes as display hex, amounts as strings). */
  readonly data: Readonly<Record<string, unknown>>;
  /** The message without the code. */
  readonly detail: string;

  constructor(code: C, message: string, data: Record<string, unknown> = {}) {
    super(`${code}: ${message}`);
    this.name = 'ProtocolError';
    this.code = code;
    this.detail = message;
    this.data = data;
  }

  /** The same rejection with more data (for example, which transaction of a block broke the rule). */
  with(extra: Record<string, unknown>): ProtocolError<C> {
    return new ProtocolError(this.code, this.detail, { ...this.data, ...extra });
  }
}

/** True for the errors that untrusted bytes can cause (as opposed to bugs). */
export function isInputError(e: unknown): e is DecodeError | ProtocolError {
  return e instanceof DecodeError || e instanceof ProtocolError;
}
