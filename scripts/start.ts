/**
 * `npm start`: the local network (relay, four validators on disk, faucet; see devnet/network.ts)
 * and the wallet app, built and served on loopback. Ctrl-C stops everything; the next start
 * continues the same chain (data in .ans-devnet, or $ANS_DATA).
 */
import { resolve } from 'node:path';
import { startLocalNetwork } from '../devnet/network.ts';
import { ROOT as root, buildApp, serveApp } from '../devnet/app.ts';
import { stopSignal } from '../cli/network.ts';

const port = Number(process.env.PORT ?? 5173);
const dir = resolve(root, process.env.ANS_DATA ?? '.ans-devnet');

console.log('Building the app…');
await buildApp();
console.log('Starting the local network…');
const network = await startLocalNetwork({ dir, log: (line) => console.log(`  ${line}`) });
// The app finds the network (genesis settings, bootstrap addresses, faucet) beside itself.
const { server, url } = await serveApp({ network: { network: network.network, bootstrap: network.bootstrap, faucet: network.http.url }, port, build: false });
console.log(`\nAntshares Web is served at ${url}`);
console.log(`Local network: ${network.http.url}/status   (or: npx ans status)`);
console.log(`Bootstrap peer: ${network.bootstrap[0]}`);
console.log('Press Ctrl-C to stop.');
network.relay.onTip(() => {
  if (network.relay.height % 30 === 0) console.log(`  height ${network.relay.height}`);
});

const why = await stopSignal({ withParent: true });
console.log(`\nStopping (${why})…`);
await server.close();
await network.stop();
console.log('Stopped. The next npm start continues this chain.');
process.exit(0);
