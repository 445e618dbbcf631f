/**
 * "Show Dependency Graph" in the real workbench: the example workflow's graph in the webview; then a
 * small busybox workflow's planned graph, run from the palette with real Docker, follows the run until
 * every node is SUCCEEDED, and clicking a node selects its job in the Local view.
 */
import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { dockerForTests } from '../support/docker';
import { REPO_ROOT } from './support/env';
import { extensionSession, type Session } from './support/session';
import { expandView, notificationTexts, viewPane, waitForRows } from './support/tree';
import { waitFor } from './support/wait';
import { describeJobs, sawIntermediate } from './support/emulator-jobs';

describe('dependency graph in the workbench (e2e)', function () {
  this.timeout(240_000);
  let session: Session | undefined;

  before(async function () {
    session = await extensionSession(this, { name: 'dag' });
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

  it('follows a run of a workflow from PLANNED to SUCCEEDED, and a click selects the job in the Local view', async function () {
    await dockerForTests(this);
    const wb = await session!.workbench();
    // hello.workflow.yaml alone in the first group; the graph opens beside it.
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('hello.workflow.yaml');
    await wb.runCommand('LocalBatch: Show Dependency Graph');
    const frame = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const statuses = () => frame.locator('g.node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-job-name')}:${e.getAttribute('data-status')}`).sort().join(','));
    await waitFor(async () => (await statuses()) === 'farewell:PLANNED,greet:PLANNED', { timeoutMs: 60_000, intervalMs: 250, what: 'greet and farewell PLANNED' });
    console.log('      planned: greet and farewell PLANNED');

    // Run the workflow from the palette with its editor (first group) focused, the graph staying
    // visible beside it (a hidden webview loses its iframe).
    await wb.page.keyboard.press('Control+1');
    const t0 = Date.now();
    await wb.runCommand('LocalBatch: Run Workflow Locally');
    const seen = new Set<string>();
    try {
      await waitFor(async () => {
        const now = await statuses();
        seen.add(now);
        return now === 'farewell:SUCCEEDED,greet:SUCCEEDED';
      }, { timeoutMs: 150_000, intervalMs: 200, what: 'every node SUCCEEDED' });
    } catch (err) {
      console.log(`      seen: ${[...seen].join(' | ')}; notifications: ${(await notificationTexts(wb)).join(' | ')}; screenshot: ${await wb.screenshot('dag-run-failed')}`);
      throw err;
    }
    console.log(`      every node SUCCEEDED after ${Date.now() - t0} ms; seen: ${[...seen].join(' | ')}`);
    // It followed this run: it showed a status between PLANNED and SUCCEEDED (farewell PENDING while
    // greet runs, at least), and its nodes carry the ids of this run's jobs, each the job of that name.
    const nodes = await frame.locator('g.node').evaluateAll((els) => els.map((e) => ({ name: e.getAttribute('data-job-name') ?? '', id: e.getAttribute('data-job-id') ?? '' })));
    const jobs = await describeJobs(session!.workspace, nodes.map((n) => n.id).filter((id) => id.length > 0));
    assert.deepEqual({
      intermediate: sawIntermediate(seen),
      jobs: nodes.map((n) => { const j = jobs.find((x) => x.jobId === n.id); return `${n.name}:${j ? `${j.jobName}:${j.status}` : `no job ${n.id}`}`; }).sort(),
    }, { intermediate: true, jobs: ['farewell:farewell:SUCCEEDED', 'greet:greet:SUCCEEDED'] }, `seen: ${[...seen].join(' | ')}`);
    const shot = await wb.screenshot('dag-run-succeeded');
    console.log(`      screenshot: ${shot}`);

    // Clicking a node selects its job in the Local view.
    await wb.openViewContainer('LocalBatch');
    await expandView(wb, 'Local');
    await waitForRows(wb, 'Local', (r) => r.some((x) => x.label === 'hello.workflow.yaml'), 'the run of hello.workflow.yaml', 60_000);
    await frame.locator('g.node[data-job-name="farewell"]').click();
    const selected = viewPane(wb, 'Local').locator('.pane-body .monaco-list-row.selected');
    await waitFor(async () => (await selected.count()) === 1 && (await selected.locator('.label-name').textContent())?.trim() === 'farewell',
      { timeoutMs: 30_000, intervalMs: 250, what: 'farewell selected in the Local view' });
    const shot2 = await wb.screenshot('dag-click-selects-job');
    console.log(`      screenshot: ${shot2}`);
  });
});
