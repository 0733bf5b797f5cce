#!/usr/bin/env node
'use strict';
// The compiled code imports libraries as `@imagora/<lib>` (tsconfig paths); the preload maps them onto
// dist/, so the CLI needs no path-rewriting build step and no extra dependency.
const path = require('node:path');
const fs = require('node:fs');
const root = path.join(__dirname, '..');
require(path.join(root, 'scripts', 'register-aliases.js'));
const main = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(main)) {
  // A fresh checkout: build once. (No install-time `prepare` script: npm's strict allowScripts
  // would then refuse `npx imagora` in the repository.)
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!fs.existsSync(tsc)) {
    process.stderr.write('imagora: not built and no TypeScript to build with; run `npm install` in the repository first\n');
    process.exit(2);
  }
  process.stderr.write('imagora: first run, building (npm run build)…\n');
  const built = require('node:child_process').spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (!fs.existsSync(main)) process.exit(built.status || 2);
}
require(main);
