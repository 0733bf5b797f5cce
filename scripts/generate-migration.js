#!/usr/bin/env node
'use strict';
// Builds, then runs the compiled generator (libs/persistence/src/tools/generate-migration.ts).
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const root = path.join(__dirname, '..');
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [path.join(root, 'dist', 'libs', 'persistence', 'src', 'tools', 'generate-migration.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
