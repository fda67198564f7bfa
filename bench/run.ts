/**
 * `npm run bench`: every benchmark of the project, in one run, as rates and as ratios to a
 * baseline measured in the same run (the machines are shared and noisy: compare ratios). At the
 * end it writes the run into the README's results table (between its bench markers: the table is
 * this output, never copied by hand) and appends it to docs/benchmarks.md, the history.
 *   BENCH_NO_WRITE=1 npm run bench   prints only
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchProtocol } from './protocol.ts';
import { benchState } from './state.ts';
import { benchNetwork } from './network.ts';
import { benchWan } from './wan.ts';
import { benchApp } from './app.ts';
import { benchLighthouse } from './lighthouse.ts';
import { benchExchange } from './exchange.ts';
import { machine, report } from './util.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const started = new Date();

console.log('# Antshares Web benchmarks (`npm run bench`)');
const host = machine();
console.log(host);
await benchProtocol();
await benchState();
await benchNetwork();
await benchExchange();
await benchWan();
await benchApp();
await benchLighthouse();

if (!process.env.BENCH_NO_WRITE) {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim()) commit += ' (with uncommitted changes)';
  } catch {
    // not a git checkout
  }
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const table = [
    `Written by \`npm run bench\` on ${started.toISOString().slice(0, 10)}, commit ${commit}; ${host}.`,
    '',
    '| section | measured | result | against |',
    '|---|---|---|---|',
    ...report.flatMap((s) => s.rows.map((r, i) => `| ${i === 0 ? cell(s.section) : ''} | ${cell(r.label)} | ${cell(r.value)} | ${cell(r.note)} |`)),
  ].join('\n');
  const readme = `${ROOT}/README.md`;
  const text = readFileSync(readme, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) writeFileSync(readme, `${text.slice(0, a + begin.length)}\n${table}\n${text.slice(b)}`);
  appendFileSync(`${ROOT}/docs/benchmarks.md`, `\n## npm run bench, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}\n\n${table.split('\n').slice(2).join('\n')}\n`);
  console.log('\nThe README\'s results table and docs/benchmarks.md are written (BENCH_NO_WRITE=1 prints only).');
}
