// `npm run build`: the web app's static files (index.html, styles.css) go beside its compiled
// scripts in dist/web, the one folder hub-api serves at /app/.
const { cpSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const target = join(root, 'dist', 'web');
mkdirSync(target, { recursive: true });
cpSync(join(root, 'apps', 'hub-api', 'web', 'public'), target, { recursive: true });
