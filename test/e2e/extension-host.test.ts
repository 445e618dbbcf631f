/**
 * Runs the extension-host mocha suite (test/extension-host) inside code-server's real extension host:
 * both VSIXs are installed, opening the workspace in Chromium starts the extension host, the
 * companion extension runs the suite on activation and writes its results file, read here.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { requireRealVsCode, resultsPath } from './support/env';
import { Session } from './support/session';
import { EXTENSION_ID, TEST_EXTENSION_ID, extensionVsix, testExtensionVsix } from './support/vsix';
import { waitFor } from './support/wait';

interface Results {
  ok: boolean;
  passed: Array<{ title: string; durationMs?: number }>;
  failed: Array<{ title: string; error?: string }>;
  pending: Array<{ title: string }>;
  durationMs: number;
  foreignErrors?: string[];
  ownErrors?: string[];
}

/** The one kind of skip allowed (as in test/support/summary-reporter.js and the suite's runner). */
const PLATFORM_SKIP = /\b(another|other) platforms?\b/i;

describe('extension-host suite in code-server (e2e)', function () {
  this.timeout(240_000);
  let session: Session | undefined;
  const resultsFile = resultsPath('extension-host-results.json');

  before(async function () {
    requireRealVsCode(this);
    rmSync(resultsFile, { force: true });
    session = await Session.start({
      name: 'extension-host',
      vsix: [extensionVsix(), await testExtensionVsix()],
      env: { LOCALBATCH_EH_RESULTS: resultsFile },
    });
  });

  after(async () => {
    await session?.dispose();
  });

  it('installs both VSIXs', () => {
    const ids = session!.server.installed.map((l) => l.replace(/@.*$/, ''));
    assert.ok(ids.includes(EXTENSION_ID), `installed: ${session!.server.installed.join(', ')}`);
    assert.ok(ids.includes(TEST_EXTENSION_ID), `installed: ${session!.server.installed.join(', ')}`);
  });

  it('runs the suite in the extension host with no failures', async () => {
    const wb = await session!.workbench();
    await wb.answerTrustDialog('trust');
    await waitFor(() => existsSync(resultsFile), { timeoutMs: 180_000, intervalMs: 250, what: `the results file ${resultsFile}` })
      .catch(async (err: Error) => {
        await wb.screenshot('no-results');
        throw new Error(`${err.message}; see ${session!.server.logFile}`);
      });
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
    for (const t of results.passed) console.log(`      ✔ ${t.title} (${t.durationMs ?? 0} ms)`);
    for (const t of results.pending) console.log(`      - ${t.title} (pending)`);
    for (const t of results.failed) console.log(`      ✗ ${t.title}\n${(t.error ?? '').replace(/^/gm, '          ')}`);
    if (results.foreignErrors?.length) console.log(`      (ignored ${results.foreignErrors.length} uncaught error(s) from other extensions: ${results.foreignErrors.join('; ')})`);
    console.log(`      extension host: ${results.passed.length} passed, ${results.failed.length} failed, ${results.pending.length} pending`);
    for (const e of results.ownErrors ?? []) console.log(`      uncaught error from the extension:\n${e.replace(/^/gm, '          ')}`);
    assert.ok(results.passed.length > 0, 'the suite ran at least one test');
    // Nothing may pass unrun or throw unseen: no failures, no skipped tests (except for another
    // platform, named so), no uncaught error from the extension's own code.
    assert.deepEqual({
      failed: results.failed.map((t) => t.title),
      pending: results.pending.map((t) => t.title).filter((t) => !PLATFORM_SKIP.test(t)),
      ownErrors: (results.ownErrors ?? []).map((e) => e.split('\n')[0]),
    }, { failed: [], pending: [], ownErrors: [] });
    assert.equal(results.ok, true);
  });
});
