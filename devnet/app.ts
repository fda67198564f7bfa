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
import type { LocalNetwork } from './network.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function serveApp(params: { network?: LocalNetwork; port?: number; build?: boolean }): Promise<{ server: PreviewServer; url: string }> {
  if (params.build !== false) await build({ root: ROOT, logLevel: 'warn' });
  const dist = join(ROOT, 'dist');
  if (params.network) {
    const { network, bootstrap } = params.network;
    writeFileSync(join(dist, 'network.json'), JSON.stringify({ ...network, bootstrap, faucet: './faucet' }, null, 2));
  }
  const server = await preview({
    root: ROOT, logLevel: 'warn',
    preview: {
      port: params.port ?? 0, host: '127.0.0.1', strictPort: params.port !== undefined,
      proxy: params.network ? { '/faucet': params.network.http.url } : undefined,
    },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the app server has no URL');
  return { server, url };
}
