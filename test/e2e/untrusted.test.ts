/**
 * Workspace Trust in a real VS Code: in a workspace the user does not trust, LocalBatch still
 * validates, but refuses to run a workflow or start the emulator, with a message saying why.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { extensionSession, type Session } from './support/session';
import { waitForNotification, waitForStatusBar } from './support/tree';

describe('LocalBatch in an untrusted workspace (e2e)', function () {
  this.timeout(180_000);
  let session: Session | undefined;

  before(async function () {
    session = await extensionSession(this, { name: 'untrusted' });
  });

  after(async () => {
    await session?.dispose();
  });

  it('refuses "Run Workflow Locally" with a message, and starts no emulator', async () => {
    const wb = await session!.workbench();
    await wb.answerTrustDialog('untrust');
    await wb.openFile('hello.workflow.yaml');
    await wb.runCommand('LocalBatch: Run Workflow Locally');
    const message = await waitForNotification(wb, /does not run workflows in an untrusted workspace/);
    const shot = await wb.screenshot('refused');
    console.log(`      notification: ${message}\n      screenshot: ${shot}`);
    assert.match(message, /Trust this workspace/);
    await waitForStatusBar(wb, /LocalBatch: stopped/, 15_000);
    assert.equal(existsSync(path.join(session!.workspace, '.localbatch', 'endpoint.json')), false, 'no emulator was started');
  });

  it('still validates: the broken definition\'s error is in Problems', async () => {
    const wb = await session!.workbench();
    await wb.openFile('broken.jobdef.json');
    const rows = await wb.waitForProblem(/localbatch/i);
    console.log(`      problems: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((r) => /localbatch/i.test(r) && /\bline 12\b/.test(r)), JSON.stringify(rows));
  });
});
