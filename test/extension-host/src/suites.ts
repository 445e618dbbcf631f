/**
 * The suite modules to run, in order. Left empty here: the bundler (bundleTestExtension in
 * test/e2e/support/vsix.ts) replaces this module with one that lazily imports every
 * src/suite/*.test.ts, so a new test file needs no registration. Each module registers its
 * describe() blocks when imported, after mocha's pre-require.
 */
export const SUITES: Array<() => Promise<unknown>> = [];
