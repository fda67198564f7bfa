/**
 * Serving the built wallet app beside a local network (`npm start`, the browser tests): the
 * network's public description is written as `network.json` next to the app, and the faucet is
 * reached through the same origin (`/faucet`, proxied), so the app's Content Security Policy
 * stays `connect-src 'self'` for HTTP.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';
import type { NetworkFile } from '../core/state/settings.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the app is told of its network: the public settings, the peers to dial, the faucet (an HTTP URL, proxied). */
export interface ServedNetwork {
  readonly network: NetworkFile;
  readonly bootstrap: string[];
  readonly faucet?: string;
}

/**
 * Builds the app for production. Under a test runner NODE_ENV is `test`, which would give React's
 * development build and no service worker: the build gets `production`, as `npm run build` does.
 */
export async function buildApp(): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: ROOT, logLevel: 'warn', mode: 'production' });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

export async function serveApp(params: { network?: ServedNetwork; port?: number; build?: boolean }): Promise<{ server: PreviewServer; url: string }> {
  if (params.build !== false) await buildApp();
  const dist = join(ROOT, 'dist');
  const n = params.network;
  if (n) writeFileSync(join(dist, 'network.json'), JSON.stringify({ ...n.network, bootstrap: n.bootstrap, faucet: n.faucet ? './faucet' : undefined }, null, 2));
  const server = await preview({
    root: ROOT, logLevel: 'warn',
    preview: {
      port: params.port ?? 0, host: '127.0.0.1', strictPort: params.port !== undefined,
      proxy: n?.faucet ? { '/faucet': n.faucet } : undefined,
    },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the app server has no URL');
  return { server, url };
}
