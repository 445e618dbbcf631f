/** Where the real VS Code (code-server) and Chromium live, and whether e2e tests can run here. */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

/** The install prefix of .ci/setup-code-server.sh. */
export const CODE_SERVER_PREFIX = process.env.LOCALBATCH_CODE_SERVER_DIR ?? '/opt/localbatch-test/code-server';
/** The VS Code server inside the code-server package (`$CS` in the reference notes). */
export const VSCODE_SERVER_DIR = path.join(CODE_SERVER_PREFIX, 'node_modules', 'code-server', 'lib', 'vscode');
export const SERVER_MAIN = path.join(VSCODE_SERVER_DIR, 'out', 'server-main.js');
export const CHROMIUM = process.env.LOCALBATCH_CHROMIUM ?? '/usr/bin/chromium';

export const isCI = (): boolean => !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/** What is missing for the real-VS-Code tests, empty when they can run. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!existsSync(SERVER_MAIN)) missing.push(`code-server (${SERVER_MAIN}; run .ci/setup-code-server.sh)`);
  if (!existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM}; run .ci/setup-code-server.sh)`);
  return missing;
}

/**
 * For a mocha `before` hook: skips the suite with a clear message when code-server or Chromium is
 * missing on a developer machine, and fails it under CI=true, where missing pieces are a CI bug.
 */
export function requireRealVsCode(ctx: Mocha.Context): void {
  const missing = missingPrerequisites();
  if (missing.length === 0) return;
  const msg = `real VS Code e2e prerequisites missing: ${missing.join(', ')}`;
  if (isCI()) throw new Error(`${msg} (CI is set, so this is a failure)`);
  console.log(`    SKIPPED: ${msg}. Set up with .ci/setup-code-server.sh.`);
  ctx.skip();
}

export function resultsPath(...parts: string[]): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return path.join(RESULTS_DIR, ...parts);
}
