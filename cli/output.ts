/** Output helpers of the command line. */

/** Writes a line to standard output. */
export function out(line: string): void {
  process.stdout.write(line + '\n');
}

/** Prints JSON, bigints as strings. */
export function outJson(value: unknown): void {
  out(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
}

/** Hex as typed by a person: surrounding white space and a 0x prefix removed. */
export function cleanHex(text: string): string {
  return text.trim().replace(/^0x/, '');
}

// A reader that stops early (`ans status | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
