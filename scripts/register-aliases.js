'use strict';
// Preload (`node -r ./scripts/register-aliases.js dist/...`) for compiled scripts outside the CLI,
// such as benchmarks: maps `@imagora/<lib>` onto dist/libs/<lib>/src exactly as bin/imagora.js does.
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
