/**
 * The `@vscode/test-electron` launcher, for machines that can download VS Code (not these CI
 * machines: there the same suite runs in code-server, see test/e2e/extension-host.test.ts).
 *
 *   npm run package && npx tsx test/extension-host/run-electron.ts
 *
 * It starts a downloaded VS Code with the repo as the extension under development and the bundled
 * suite (test/extension-host/src/extension.ts, whose run() is the tests-module entry) as
 * --extensionTestsPath, on a copy of the e2e fixture workspace.
 */
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, resultsPath } from '../e2e/support/env';
import { bundleTestExtension } from '../e2e/support/vsix';

async function main(): Promise<void> {
  const bundle = path.join(mkdtempSync(path.join(os.tmpdir(), 'localbatch-eh-bundle-')), 'extension.js');
  await bundleTestExtension(bundle);
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'localbatch-eh-'));
  cpSync(path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
  const results = resultsPath('extension-host-electron', 'results.json');
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: bundle,
    extensionTestsEnv: { LOCALBATCH_EH_RESULTS: results },
    launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--disable-workspace-trust'],
  });
  console.log(`extension-host suite passed; results in ${results}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
