/**
 * `npm start`: builds the app and serves it on loopback. The local network (relay, validators,
 * faucet) joins this command with the network issue; until then it serves the protocol tools.
 */
import { build, preview } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 5173);

console.log('Building the app…');
await build({ root, logLevel: 'warn' });
const server = await preview({ root, logLevel: 'warn', preview: { port, host: '127.0.0.1' } });
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
console.log(`\nAntshares Web is served at ${url}`);
console.log('Press Ctrl-C to stop.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await server.close();
    process.exit(0);
  });
}
