#!/usr/bin/env node
// Entry point of `ans`. The commands are TypeScript, run directly by Node >= 24 (type stripping);
// `npm ci` installs that Node into node_modules/.bin, which `npx ans` and `npm run` put first on PATH.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(`ans: Node ${process.versions.node} is too old; run it through npx (the project installs Node 24) or install Node >= 24`);
  process.exit(2);
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
// A command that has returned is done: whatever it left open (a pipe it read, a socket still
// closing) must not keep the process alive. The timer does not itself hold the process.
globalThis.setTimeout(() => process.exit(), 1000).unref();
