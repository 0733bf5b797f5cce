#!/usr/bin/env node
'use strict';
// The compiled code imports libraries as `@imagora/<lib>` (tsconfig paths); map them onto dist/ here
// so the shipped CLI needs no path-rewriting build step and no extra dependency.
const path = require('node:path');
const Module = require('node:module');
const dist = path.join(__dirname, '..', 'dist');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveImagoraAlias(request, ...rest) {
  const match = /^@imagora\/([a-z-]+)(\/.*)?$/.exec(request);
  if (match) {
    request = path.join(dist, 'libs', match[1], 'src', match[2] ? match[2].slice(1) : 'index.js');
  }
  return originalResolve.call(this, request, ...rest);
};
try {
  require.resolve(path.join(dist, 'apps', 'cli', 'src', 'main.js'));
} catch {
  process.stderr.write('imagora: not built yet; run `npm run build` (or `npm install`) in the repository first\n');
  process.exit(2);
}
require(path.join(dist, 'apps', 'cli', 'src', 'main.js'));
