// `npm start` on a fresh clone: install the dependencies first if they are not there yet.
const { existsSync } = require('node:fs');
const { execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
if (!existsSync(join(root, 'node_modules', '@nestjs', 'core'))) {
  console.log('safer-hub: installing dependencies (first run only)...');
  execSync(existsSync(join(root, 'package-lock.json')) ? 'npm ci' : 'npm install', { cwd: root, stdio: 'inherit' });
}
