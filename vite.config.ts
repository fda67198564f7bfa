import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The app's Content Security Policy, added to the built index.html (the dev server injects inline
 * scripts for hot reload, so it runs without it). No eval, no inline script, no third-party origin:
 * the app talks only to itself and to peers over WebSockets/WebRTC.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  // frame-ancestors only works as an HTTP header (a <meta> policy ignores it): the servers send it.
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'antshares-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

/**
 * Installable and offline: the manifest (public/manifest.webmanifest) and a service worker built
 * from src/service-worker.js with the list of this build's files (the app shell, precached) and
 * a version from their names, so each build replaces the last one's cache. No Workbox: its build
 * tool pulls rollup, whose per-platform packages this machine's registry mirror does not serve.
 */
function serviceWorker(): Plugin {
  return {
    name: 'antshares-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const built = Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== 'index.html').map((f) => `/${f}`);
      const publicFiles = ['/manifest.webmanifest', '/favicon.svg', '/icon-192.png', '/icon-512.png', '/icon-maskable-512.png', '/apple-touch-icon.png'];
      const files = ['/', '/index.html', ...publicFiles, ...built.sort()];
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const template = readFileSync(fileURLToPath(new URL('./src/service-worker.js', import.meta.url)), 'utf8');
      const source = template.replace('self.__PRECACHE__', JSON.stringify(files)).replace('__VERSION__', version);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), serviceWorker()],
  build: {
    target: 'es2023',
    sourcemap: true,
    // The first screen's chunks are preloaded from index.html; the peer's (loaded later, from the
    // service worker's cache once installed) are not: Vite's helper that would preload them adds
    // a <link> per chunk to the page, which took 150 ms of one task on a phone (4x CPU slowdown).
    modulePreload: { resolveDependencies: (_file, deps, { hostType }) => (hostType === 'html' ? deps : []) },
  },
  server: { host: '127.0.0.1' },
  preview: {
    host: '127.0.0.1',
    headers: {
      'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  },
});
