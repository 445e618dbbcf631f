/**
 * The companion test extension. In code-server (which has no --extensionTestsPath) its activate()
 * runs the mocha suite against the installed LocalBatch extension and writes JSON results to the file
 * named by LOCALBATCH_EH_RESULTS (or the `localbatchTests.resultsFile` setting); the e2e driver waits
 * for that file. Under `@vscode/test-electron` the same bundle is the tests module: run().
 */
import * as vscode from 'vscode';
import { writeFileSync, mkdirSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { runSuite, type SuiteResults } from './runner';

/** Where the extension under test is installed: uncaught errors from its code fail the suite. */
function ownCode(): string[] {
  const ext = vscode.extensions.getExtension('localbatch.localbatch');
  return ext ? [ext.extensionPath] : [];
}

function resultsFile(): string | undefined {
  const fromEnv = process.env.LOCALBATCH_EH_RESULTS;
  if (fromEnv) return fromEnv;
  const fromSetting = vscode.workspace.getConfiguration('localbatchTests').get<string>('resultsFile');
  return fromSetting || undefined;
}

function write(file: string, results: SuiteResults): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(results, null, 2));
  renameSync(tmp, file); // the driver never sees a half-written file
}

export function activate(): void {
  const file = resultsFile();
  if (!file) return; // installed without a results file: nothing to do
  void runSuite(ownCode()).then(
    (results) => write(file, results),
    (err: unknown) => write(file, { ok: false, passed: [], failed: [{ title: 'extension-host suite', error: String(err) }], pending: [], durationMs: 0, foreignErrors: [] }),
  );
}

export function deactivate(): void {}

/** The `@vscode/test-electron` tests-module entry point. */
export async function run(): Promise<void> {
  const results = await runSuite(ownCode());
  const file = resultsFile();
  if (file) write(file, results);
  if (!results.ok) throw new Error(`extension-host suite: ${results.failed.length} failed, ${results.pending.length} pending, ${results.ownErrors?.length ?? 0} uncaught error(s) from the extension`);
}
