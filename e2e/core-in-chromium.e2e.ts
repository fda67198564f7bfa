import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { devServer, launchChromium } from './browser.ts';
import { OWN_VECTORS, SHARED_VECTORS, readJson, type WycheproofEcdsa } from '../test/helpers.ts';
import { getPublicKey, privateKeyFromHex, verifyNoble } from '../core/crypto/index.ts';
import { bytesToHex, hexToBytes } from '../core/encoding/index.ts';

import './core-types.ts';

let browser: Browser;
let server: ViteDevServer;
let page: Page;

beforeAll(async () => {
  const dev = await devServer();
  server = dev.server;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(new URL('/e2e/pages/core.html', dev.url).href);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('core/ in Chromium', () => {
  it('verifies through WebCrypto and noble with the Wycheproof answers', async () => {
    const file = readJson<WycheproofEcdsa>(join(SHARED_VECTORS, 'wycheproof', 'ecdsa_secp256r1_sha256_p1363_test.json'));
    const cases = file.testGroups.flatMap((g) => g.tests.map((t) => ({ pub: g.publicKey.uncompressed, msg: t.msg, sig: t.sig, valid: t.result === 'valid' })));
    const result = await page.evaluate(async (cs) => {
      const { SignatureVerifier, verifyNoble, compressPublicKey } = window.core.crypto;
      const { hexToBytes } = window.core.encoding;
      const v = new SignatureVerifier();
      const items = cs.map((c) => ({ signature: hexToBytes(c.sig), message: hexToBytes(c.msg), publicKey: hexToBytes(c.pub) }));
      const web = await v.verifyMany(items);
      const webCompressed = await v.verifyMany(items.map((i) => ({ ...i, publicKey: compressPublicKey(i.publicKey) })));
      const noble = items.map((i) => verifyNoble(i.signature, i.message, i.publicKey));
      return { backend: v.backend, web, webCompressed, noble };
    }, cases);
    expect(result.backend).toBe('webcrypto');
    const expected = cases.map((c) => c.valid);
    expect(result.web).toEqual(expected);
    expect(result.webCompressed).toEqual(expected);
    expect(result.noble).toEqual(expected);
  });

  it('verifies in Web Workers with the same answers, a large batch sent before the task ends', async () => {
    const r = await page.evaluate(async () => {
      const { crypto } = window.core;
      const key = crypto.generatePrivateKey();
      const publicKey = crypto.getPublicKey(key);
      const items = Array.from({ length: 300 }, (_, i) => {
        const message = Uint8Array.of(i & 0xff, i >> 8, 7);
        const signature = crypto.sign(message, key);
        if (i % 7 === 0) signature[5] ^= 1; // every seventh does not verify
        return { signature, message, publicKey };
      });
      const pool = new crypto.WorkerVerifier({ workers: 2 });
      try {
        // A few checks wait for the end of the task (small blocks' checks go out together)...
        const few = items.slice(0, 10).map((it) => pool.verify(it.signature, it.message, it.publicKey));
        await Promise.resolve();
        const fewPostedAtOnce = pool.posted;
        const fewResults = await Promise.all(few);
        // ...a large batch goes out at the next microtask, while this task still runs.
        const before = pool.posted;
        const many = items.map((it) => pool.verify(it.signature, it.message, it.publicKey));
        await Promise.resolve();
        const manyPostedAtOnce = pool.posted - before;
        const manyResults = await Promise.all(many);
        const reference = await new crypto.SignatureVerifier().verifyMany(items);
        // Stopped with a large batch asked for and not yet sent: still answered, here.
        const late = new crypto.WorkerVerifier({ workers: 1 });
        const lateChecks = items.map((it) => late.verify(it.signature, it.message, it.publicKey));
        late.terminate();
        const lateResults = await Promise.all(lateChecks);
        return { workers: pool.workers, fewPostedAtOnce, fewResults, manyPostedAtOnce, manyResults, reference, lateResults, latePosted: late.posted };
      } finally {
        pool.terminate();
      }
    });
    expect(r.workers).toBe(2);
    expect(r.reference.filter((ok) => !ok)).toHaveLength(43);
    expect(r.manyResults).toEqual(r.reference);
    expect(r.fewResults).toEqual(r.reference.slice(0, 10));
    expect(r.fewPostedAtOnce).toBe(0);
    expect(r.manyPostedAtOnce).toBe(300);
    expect(r.latePosted).toBe(0);
    expect(r.lateResults).toEqual(r.reference);
  });

  it('gives the published addresses and the real network genesis hash', async () => {
    const { keys } = readJson<{ keys: { privateKey: string; address: string; wif: string }[] }>(join(SHARED_VECTORS, 'keys.json'));
    const real = readJson<{ antShareId: string; genesis: { hash: string; timestamp: number; antShareHolderM: number; standbyValidators: string[] } }>(join(OWN_VECTORS, 'real-network.json'));
    const out = await page.evaluate(({ keys, real }) => {
      const { crypto, encoding, script, block } = window.core;
      const addresses = keys.map((k) => script.addressFromScript(script.singleKeyScript(crypto.getPublicKey(crypto.privateKeyFromHex(k.privateKey)))));
      const wifs = keys.map((k) => crypto.privateKeyToWif(crypto.privateKeyFromHex(k.privateKey)));
      const validators = real.genesis.standbyValidators.map(encoding.hexToBytes);
      const g = block.buildGenesisBlock({
        standbyValidators: validators,
        antShareHolder: script.scriptHash(script.multiSigScript(real.genesis.antShareHolderM, validators)),
        timestamp: real.genesis.timestamp,
      });
      return { addresses, wifs, genesis: encoding.uintToString(block.blockHash(g)), antShare: encoding.uintToString(block.ANTSHARE_ID) };
    }, { keys, real });
    expect(out.addresses).toEqual(keys.map((k) => k.address));
    expect(out.wifs).toEqual(keys.map((k) => k.wif));
    expect(out.genesis).toBe(real.genesis.hash);
    expect(out.antShare).toBe(real.antShareId);
  });

  it('signatures made in the browser verify in Node, and the reverse', async () => {
    const priv = '7d128a6d096f0c14c3a25a2b0c41cf79661bfcb4a8cc95aaaea28bde4d732344';
    const fromBrowser = await page.evaluate((p) => {
      const { crypto, encoding } = window.core;
      const msg = new TextEncoder().encode('signed in Chromium');
      return encoding.bytesToHex(crypto.sign(msg, crypto.privateKeyFromHex(p)));
    }, priv);
    const pub = getPublicKey(privateKeyFromHex(priv));
    expect(verifyNoble(hexToBytes(fromBrowser), new TextEncoder().encode('signed in Chromium'), pub)).toBe(true);
    const { sign } = await import('../core/crypto/index.ts');
    const nodeSig = bytesToHex(sign(new TextEncoder().encode('signed in Node'), privateKeyFromHex(priv)));
    const ok = await page.evaluate(async ({ sig, pub }) => {
      const { crypto, encoding } = window.core;
      return new crypto.SignatureVerifier().verify(encoding.hexToBytes(sig), new TextEncoder().encode('signed in Node'), encoding.hexToBytes(pub));
    }, { sig: nodeSig, pub: bytesToHex(pub) });
    expect(ok).toBe(true);
  });
});
