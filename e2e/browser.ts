/** Launching Debian's Chromium for the browser tests, and serving pages to it. */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { createServer, preview, type ViteDevServer, type PreviewServer } from 'vite';
import { buildApp } from '../devnet/app.ts';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Headless Chromium with the flags this machine needs (root, closed network). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** The same with a profile on disk (not incognito: what installability needs). */
export function launchPersistentChromium(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** A Vite dev server over the project (for pages that load core/ modules directly). */
export async function devServer(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({ root: ROOT, logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('dev server has no URL');
  return { server, url };
}

/** Builds the app as a user gets it and serves the build. */
export async function builtApp(): Promise<{ server: PreviewServer; url: string }> {
  await buildApp();
  const server = await preview({ root: ROOT, logLevel: 'error', preview: { port: 0, host: '127.0.0.1' } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('preview server has no URL');
  return { server, url };
}
