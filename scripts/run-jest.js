#!/usr/bin/env node
'use strict';
// jest's own summary is not machine-readable for CI; run it with --json and print the
// closing `N passed, N failed` line ourselves. Zero tests run is a failure.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const resultsFile = path.join(root, '.jest-results.json');
fs.rmSync(resultsFile, { force: true });
const jestBin = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const run = spawnSync(process.execPath, [jestBin, '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});

let results;
try {
  results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
} catch {
  console.log(`jest wrote no results (exit ${run.status ?? run.signal})`);
  console.log('Tests: 0 passed, 1 failed');
  process.exit(1);
}
const passed = results.numPassedTests;
const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites || 0);
const ran = passed + results.numFailedTests;
console.log(`Tests: ${passed} passed, ${failed} failed`);
if (ran === 0) {
  console.log('no test ran: failing the run');
  process.exit(1);
}
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
