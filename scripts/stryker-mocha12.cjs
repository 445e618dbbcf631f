'use strict';
// Preloaded by `npm run mutate` (NODE_OPTIONS=--require). @stryker-mutator/mocha-runner 9 loads
// mocha's CLI helpers as `mocha/lib/cli/run-helpers` and `mocha/lib/cli/options` (no extension);
// mocha 12 ships them as .cjs, which require() does not try. This resolves those two paths to the
// .cjs files and changes nothing else.
const Module = require('node:module');
const path = require('node:path');
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (path.isAbsolute(request) && /[\\/]mocha[\\/]lib[\\/]cli[\\/][a-z-]+$/.test(request)) {
    try { return original.call(this, `${request}.cjs`, ...rest); } catch { /* fall through */ }
  }
  return original.call(this, request, ...rest);
};
