/**
 * Makes sure Debian's Chromium is there for the browser tests: installs it with apt-get when it
 * is missing (as root), since Playwright's own browser download cannot reach its CDN here.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    console.error(`ensure-chromium: "${cmd} ${args.join(' ')}" failed (exit ${r.status})`);
    process.exit(1);
  }
}

if (existsSync(path)) process.exit(0);
if (process.platform !== 'linux' || process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
  console.error(`ensure-chromium: no Chromium at ${path}. Install Debian's package "chromium" (or set CHROMIUM_PATH) and run the tests again.`);
  process.exit(1);
}
console.log('ensure-chromium: installing Debian\'s chromium for the browser tests…');
run('apt-get', ['update', '-qq']);
run('apt-get', ['install', '-y', '-qq', 'chromium']);
if (!existsSync(path)) {
  console.error(`ensure-chromium: chromium installed but ${path} is missing`);
  process.exit(1);
}
