/**
 * A Web Worker that verifies P-256 signatures with WebCrypto (its own key cache). Chromium runs
 * each WebCrypto verification on the thread that asks for it, so a page verifying on its main
 * thread uses one core and stalls its interface; a few of these use the others. Messages:
 * `{ id, items }` in (`items` packed by `packItems`), `{ id, results: Uint8Array }` out
 * (1 valid, 0 not), in the order given.
 */
import { SignatureVerifier } from './ecdsa.ts';
import { unpackItems } from './pool.ts';

const verifier = new SignatureVerifier();

addEventListener('message', async (event: MessageEvent<{ id: number; items: Uint8Array }>) => {
  const { id, items } = event.data;
  const ok = await Promise.all(unpackItems(items).map(([s, m, k]) => verifier.verify(s, m, k)));
  postMessage({ id, results: Uint8Array.from(ok, (v) => (v ? 1 : 0)) });
});
