/** "Show Dependency Graph" in the real workbench: the example workflow's graph in the webview. */
import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, requireRealVsCode } from './support/env';
import { Session } from './support/session';
import { extensionVsix } from './support/vsix';
import { waitFor } from './support/wait';

describe('dependency graph in the workbench (e2e)', function () {
  this.timeout(240_000);
  let session: Session | undefined;

  before(async function () {
    requireRealVsCode(this);
    session = await Session.start({ name: 'dag', vsix: [extensionVsix()] });
    cpSync(path.join(REPO_ROOT, 'examples'), session.workspace, { recursive: true });
  });

  after(async () => {
    await session?.dispose();
  });

  it('draws the example workflow from the command palette', async () => {
    const wb = await session!.workbench();
    await wb.answerTrustDialog('trust');
    await wb.openFile('montecarlo.workflow.yaml');
    await wb.waitForExtensionsActivated();
    await wb.runCommand('LocalBatch: Show Dependency Graph');
    // Webviews are nested iframes: the outer host frame, then the content frame.
    const frame = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const nodes = frame.locator('g.node');
    await waitFor(async () => (await nodes.count()) === 5, { timeoutMs: 60_000, intervalMs: 250, what: 'five graph nodes' });
    const names = await nodes.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-job-name')}:${e.getAttribute('data-status')}`));
    console.log(`      nodes: ${names.join(', ')}`);
    assert.deepEqual([...names].sort(), ['aggregate:PLANNED', 'postprocess:PLANNED', 'preprocess:PLANNED', 'render-frames:PLANNED', 'simulate:PLANNED']);
    assert.equal(await frame.locator('g.edge').count(), 4);
    assert.equal(await frame.locator('g.edge[data-type="N_TO_N"]').count(), 1);
    const shot = await wb.screenshot('dag-montecarlo');
    console.log(`      screenshot: ${shot}`);
  });
});
