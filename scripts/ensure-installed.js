// `npm start` on a fresh clone: install the dependencies first if they are not there yet.
const { existsSync } = require('node:fs');
const { execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
if (!existsSync(join(root, 'node_modules', '@nestjs', 'core'))) {
  console.log('safer-hub: installing dependencies (first run only)...');
  // npm install, not npm ci: npm 11 here rejects this lock file in ci for other platforms' optional
  // packages (unrs-resolver bindings) it never records; install still follows the lock.
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
