/** Shared test helpers: where the published vectors are, and small readers for them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** `../shared/vectors` of the checkout (the published vectors, unchanged). */
export const SHARED_VECTORS = join(here, '..', '..', 'shared', 'vectors');
/** This project's own generated vectors. */
export const OWN_VECTORS = join(here, 'vectors');

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export interface WycheproofEcdsa {
  testGroups: {
    publicKey: { uncompressed: string; curve: string };
    tests: { tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable'; flags: string[] }[];
  }[];
}

/** Waits until `ok()` holds, polling; fails naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
