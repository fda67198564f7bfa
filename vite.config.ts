import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

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
 * Installable and offline (vite-plugin-pwa): the manifest and a Workbox service worker that
 * precaches the app shell; `network.json` is fetched from the network first, cached for
 * offline. The worker is registered by an external script (the CSP allows no inline script).
 */
const pwa = VitePWA({
  registerType: 'autoUpdate',
  injectRegister: 'script',
  includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
  manifest: {
    name: 'Antshares Web · 小蚁',
    short_name: 'Antshares',
    description: 'A wallet and full peer of the Antshares blockchain, in your browser',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#f4f1e8',
    theme_color: '#1f5f4a',
    icons: [
      { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
    navigateFallback: 'index.html',
    maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
    runtimeCaching: [{ urlPattern: ({ url }) => url.pathname.endsWith('/network.json'), handler: 'NetworkFirst', options: { cacheName: 'network', networkTimeoutSeconds: 3 } }],
  },
});

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), pwa],
  build: { target: 'es2023', sourcemap: true },
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
