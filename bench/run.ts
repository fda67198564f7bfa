/**
 * `npm run bench`: every benchmark of the project, in one run, as rates and as ratios to a
 * baseline measured in the same run (the machines are shared and noisy: compare ratios).
 */
import { benchProtocol } from './protocol.ts';
import { benchState } from './state.ts';
import { benchNetwork } from './network.ts';
import { benchApp } from './app.ts';
import { machine } from './util.ts';

console.log('# Antshares Web benchmarks (`npm run bench`)');
console.log(machine());
await benchProtocol();
await benchState();
await benchNetwork();
await benchApp();
