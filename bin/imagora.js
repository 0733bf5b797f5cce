#!/usr/bin/env node
'use strict';
// The compiled code imports libraries as `@imagora/<lib>` (tsconfig paths); the preload maps them onto
// dist/, so the CLI needs no path-rewriting build step and no extra dependency.
const path = require('node:path');
require(path.join(__dirname, '..', 'scripts', 'register-aliases.js'));
const main = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
try {
  require.resolve(main);
} catch {
  process.stderr.write('imagora: not built yet; run `npm run build` (or `npm install`) in the repository first\n');
  process.exit(2);
}
require(main);
