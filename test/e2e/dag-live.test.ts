/**
 * The dependency graph stays true in the real workbench: after a run (with real Docker) the graph
 * shows the run's statuses when its tab is shown again, when it is closed and opened again, and when
 * it is asked for again (one panel per workflow); its timeline tab draws the run; and "Why Is It
 * Stuck?" on a job that needs more vCPUs than the local capacity explains that it can never run.
 */
import * as assert from 'node:assert/strict';
import type { Frame, FrameLocator } from 'playwright-core';
import { extensionSession, type Session } from './support/session';
import { expandRows, expandView, notificationTexts, treeRows, viewPane } from './support/tree';
import { runMenuEntry } from './support/context-menu';
import { waitFor } from './support/wait';
import type { Workbench } from './support/workbench';
import { describeJobs, sawIntermediate } from './support/emulator-jobs';

/** The content frame of the one webview shown (webviews are nested iframes). */
function webview(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

function statuses(frame: FrameLocator): Promise<string> {
  return frame.locator('g.node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-job-name')}:${e.getAttribute('data-status')}`).sort().join(','));
}

/** Editor tabs whose title matches. */
function editorTabs(wb: Workbench, title: RegExp) {
  return wb.page.locator('.tabs-container .tab').filter({ hasText: title });
}

/** The frame (of any webview) whose document contains `text`. */
async function frameWithText(wb: Workbench, text: string): Promise<Frame | undefined> {
  for (const f of wb.page.frames()) {
    const found = await f.evaluate((t) => (document.body?.innerText ?? '').includes(t), text).catch(() => false);
    if (found) return f;
  }
  return undefined;
}
declare const document: { body: { innerText: string } | null };

const DONE = 'fan:SUCCEEDED,farewell:SUCCEEDED,greet:SUCCEEDED';

describe('dependency graph after runs, timeline and the stuck explainer (e2e)', function () {
  this.timeout(300_000);
  let session: Session | undefined;

  before(async function () {
    session = await extensionSession(this, { name: 'dag-live', fixture: 'graph', docker: true });
    const wb = await session.workbench();
    await wb.answerTrustDialog('trust');
  });

  after(async () => {
    await session?.dispose();
  });

  it('shows the run\'s statuses after a tab switch, a reopen and a second Show, in one panel, with its timeline', async () => {
    const wb = await session!.workbench();
    await wb.openFile('hello.workflow.yaml');
    await wb.waitForExtensionsActivated();
    await wb.runCommand('LocalBatch: Show Dependency Graph');
    const frame = webview(wb);
    await waitFor(async () => (await statuses(frame)) === 'fan:PLANNED,farewell:PLANNED,greet:PLANNED', { timeoutMs: 60_000, intervalMs: 250, what: 'every node PLANNED' });
    // The legend is there from the start.
    assert.match((await frame.locator('#legend').textContent()) ?? '', /RUNNABLE.*SUCCEEDED.*FAILED.*N_TO_N/);
    // The timeline tab before any run, then following the run live.
    await frame.locator('vscode-tab-header[data-tab="timeline"]').click();
    await frame.locator('#timeline .timeline-empty', { hasText: 'No run to show yet' }).waitFor({ state: 'visible', timeout: 30_000 });

    await wb.page.keyboard.press('Control+1');
    await wb.runCommand('LocalBatch: Run Workflow Locally');
    const segmentStatuses = () => frame.locator('#timeline rect.seg').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')).join(','));
    // Every status of the timeline's rows while it follows the run (a row per job: PENDING, RUNNING, …).
    const seen = new Set<string>();
    const rowStatuses = () => frame.locator('#timeline g.row').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-node-id')}:${e.getAttribute('data-status')}`).join(','));
    try {
      await waitFor(async () => { seen.add(await rowStatuses()); return (await frame.locator('#timeline g.row').count()) === 5 && (await segmentStatuses()) === 'SUCCEEDED,SUCCEEDED,SUCCEEDED,SUCCEEDED'; },
        { timeoutMs: 150_000, intervalMs: 250, what: 'the timeline to follow the run to its end' });
      console.log('      the timeline followed the run live: 5 rows, 4 SUCCEEDED attempts');
      await frame.locator('vscode-tab-header[data-tab="graph"]').click();
      await frame.locator('#canvas').waitFor({ state: 'visible', timeout: 10_000 });
      await waitFor(async () => (await statuses(frame)) === DONE, { timeoutMs: 30_000, intervalMs: 250, what: 'every node SUCCEEDED' });
    } catch (err) {
      console.log(`      notifications: ${(await notificationTexts(wb)).join(' | ')}; screenshot: ${await wb.screenshot('dag-live-run-failed')}`);
      throw err;
    }
    const runIds = await frame.locator('g.node').evaluateAll((els) => els.map((e) => e.getAttribute('data-job-id') ?? '').sort());
    // The graph followed the run: the timeline showed statuses between PLANNED and SUCCEEDED, and the
    // nodes carry the ids of this run's jobs (the emulator knows each, SUCCEEDED, by its node's name).
    const nodes = await frame.locator('g.node').evaluateAll((els) => els.map((e) => ({ name: e.getAttribute('data-job-name') ?? '', id: e.getAttribute('data-job-id') ?? '' })));
    const jobs = await describeJobs(session!.workspace, nodes.map((n) => n.id).filter((id) => id.length > 0));
    assert.deepEqual({
      intermediate: sawIntermediate(seen),
      jobs: nodes.map((n) => { const j = jobs.find((x) => x.jobId === n.id); return `${n.name}:${j ? `${j.jobName}:${j.status}` : `no job ${n.id}`}`; }).sort(),
    }, { intermediate: true, jobs: ['fan:fan:SUCCEEDED', 'farewell:farewell:SUCCEEDED', 'greet:greet:SUCCEEDED'] }, `seen: ${[...seen].join(' | ')}`);

    // 1. Another tab in the graph's group hides it (its webview is discarded); showing it again reloads it.
    await wb.page.keyboard.press('Control+2');
    await wb.openFile('hello.jobdef.json');
    await waitFor(async () => (await wb.page.locator('iframe.webview.ready').count()) === 0 || !(await wb.page.locator('iframe.webview.ready').first().isVisible()), { timeoutMs: 15_000, what: 'the graph hidden' });
    await editorTabs(wb, /Graph: hello\.workflow\.yaml/).first().click();
    await waitFor(async () => (await statuses(frame)) === DONE, { timeoutMs: 30_000, intervalMs: 250, what: 'SUCCEEDED again after the tab switch' });
    assert.deepEqual(await frame.locator('g.node').evaluateAll((els) => els.map((e) => e.getAttribute('data-job-id') ?? '').sort()), runIds, 'bound to the same run');
    console.log('      after a tab switch: every node SUCCEEDED');

    // Node actions are those of a submitted job, not just Open Definition.
    await frame.locator('g.node[data-job-name="greet"]').click();
    await frame.locator('#act-logs').waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(await frame.locator('#act-details').isVisible());

    // 2. Showing the same workflow's graph again reveals its panel: still one.
    await wb.page.keyboard.press('Control+1');
    await wb.openFile('hello.workflow.yaml');
    await wb.runCommand('LocalBatch: Show Dependency Graph');
    await waitFor(async () => (await statuses(frame)) === DONE, { timeoutMs: 30_000, intervalMs: 250, what: 'SUCCEEDED on the second Show' });
    assert.equal(await editorTabs(wb, /Graph: hello\.workflow\.yaml/).count(), 1, 'one panel for the workflow');

    // 3. Closed and opened again after the run.
    // (on a loaded machine the tab's click may not have made it the active editor yet when the
    // command runs, which then closes another one: the close is tried again, up to three times)
    for (let attempt = 1; ; attempt++) {
      await editorTabs(wb, /Graph: hello\.workflow\.yaml/).first().click();
      await wb.runCommand('View: Close Editor');
      const closed = await waitFor(async () => (await editorTabs(wb, /Graph: hello\.workflow\.yaml/).count()) === 0, { timeoutMs: 5_000, what: 'the graph closed' }).then(() => true, (err: Error) => {
        if (attempt >= 3) throw err;
        return false;
      });
      if (closed) break;
      console.log(`      (the graph was still open after close ${attempt}: tried again)`);
    }
    await wb.page.keyboard.press('Control+1');
    await wb.openFile('hello.workflow.yaml');
    await wb.runCommand('LocalBatch: Show Dependency Graph');
    await waitFor(async () => (await statuses(frame)) === DONE, { timeoutMs: 30_000, intervalMs: 250, what: 'SUCCEEDED after reopening' });
    console.log('      after reopening: every node SUCCEEDED');
    console.log(`      screenshot: ${await wb.screenshot('dag-live-reopened')}`);

    // 4. Expanding the array shows its children with their statuses, not PLANNED.
    await frame.locator('g.node[data-job-name="fan"]').click();
    await frame.locator('#act-expand').click();
    await waitFor(async () => (await statuses(frame)) === 'fan:SUCCEEDED,fan:SUCCEEDED,farewell:SUCCEEDED,greet:SUCCEEDED', { timeoutMs: 30_000, intervalMs: 250, what: 'the expanded children SUCCEEDED' });
    assert.equal(await frame.locator('g.node[data-id="fan[0]"][data-job-id$=":0"]').count(), 1, 'a child is bound to its job');
    console.log(`      expanded: fan[0] and fan[1] SUCCEEDED; screenshot: ${await wb.screenshot('dag-live-expanded')}`);

    // 5. The timeline tab: one row per job and child, each attempt a SUCCEEDED segment, in run order.
    await frame.locator('vscode-tab-header[data-tab="timeline"]').click();
    await waitFor(async () => (await frame.locator('#timeline g.row').count()) === 5, { timeoutMs: 30_000, intervalMs: 250, what: 'five timeline rows' });
    const rows = await frame.locator('#timeline g.row').evaluateAll((els) => els.map((g) => ({
      name: g.querySelector('text.row-label')?.firstChild?.textContent ?? '',
      segs: [...g.querySelectorAll('rect.seg')].map((r) => ({ status: r.getAttribute('data-status'), x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')) })),
    })));
    assert.equal(rows[0].name, 'greet');
    assert.deepEqual(rows.map((r) => r.name).sort(), ['fan', 'fan [0]', 'fan [1]', 'farewell', 'greet']);
    const fan = rows.findIndex((r) => r.name === 'fan');
    assert.deepEqual(rows.slice(fan, fan + 3).map((r) => r.name), ['fan', 'fan [0]', 'fan [1]'], 'children under their parent');
    for (const r of rows.filter((x) => x.name !== 'fan')) assert.deepEqual(r.segs.map((seg) => seg.status), ['SUCCEEDED'], r.name);
    const farewell = rows.find((r) => r.name === 'farewell')!;
    assert.ok(farewell.segs[0].x >= rows[0].segs[0].x + rows[0].segs[0].w - 1, 'farewell starts after greet ends');
    console.log(`      timeline: ${JSON.stringify(rows)}; screenshot: ${await wb.screenshot('dag-live-timeline')}`);
    await frame.locator('vscode-tab-header[data-tab="graph"]').click();
    await frame.locator('#canvas').waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('explains why a job that needs more vCPUs than the local capacity stays RUNNABLE, from the graph and from the Local view', async () => {
    const wb = await session!.workbench();
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('stuck.workflow.yaml');
    await wb.waitForExtensionsActivated();
    await wb.runCommand('LocalBatch: Show Dependency Graph');
    const frame = webview(wb);
    await waitFor(async () => (await statuses(frame)).startsWith('crunch:'), { timeoutMs: 60_000, intervalMs: 250, what: 'the crunch node' });
    await wb.page.keyboard.press('Control+1');
    await wb.runCommand('LocalBatch: Run Workflow Locally');
    await waitFor(async () => (await statuses(frame)) === 'crunch:RUNNABLE', { timeoutMs: 90_000, intervalMs: 250, what: 'crunch RUNNABLE' });
    // Its timeline row: a wait line that grows with the clock, no attempt.
    await frame.locator('vscode-tab-header[data-tab="timeline"]').click();
    const wait = frame.locator('#timeline g.row[data-status="RUNNABLE"] line.wait');
    await wait.waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(await frame.locator('#timeline rect.seg').count(), 0);
    const tickLabels = () => frame.locator('#timeline text.tick-label').allTextContents();
    const before = (await tickLabels()).join(' ');
    await waitFor(async () => (await tickLabels()).join(' ') !== before, { timeoutMs: 20_000, intervalMs: 500, what: 'the time axis to move on while the job waits' });
    await frame.locator('vscode-tab-header[data-tab="graph"]').click();
    await frame.locator('#canvas').waitFor({ state: 'visible', timeout: 10_000 });

    await frame.locator('g.node[data-job-name="crunch"]').click();
    const why = frame.locator('#act-stuck');
    await why.waitFor({ state: 'visible', timeout: 10_000 });
    await why.click();
    const title = 'Why is crunch stuck?';
    const preview = await waitFor(() => frameWithText(wb, title), { timeoutMs: 30_000, intervalMs: 500, what: 'the explanation in the Markdown preview' });
    const text = await preview.evaluate(() => document.body?.innerText ?? '');
    console.log(`      explanation: ${text.replace(/\s+/g, ' ').slice(0, 400)}`);
    assert.match(text, /Can never run/);
    assert.match(text, /needs 2 vCPU, but the local capacity is 1 vCPU \(capacity in localbatch\.yaml\)/);
    assert.match(text, /Raise capacity\.vcpus in localbatch\.yaml to at least 2/);
    console.log(`      screenshot: ${await wb.screenshot('dag-live-stuck-explained')}`);

    // The same from the job's context menu in the Local view.
    await wb.runCommand('View: Close All Editors');
    await wb.openViewContainer('LocalBatch');
    await expandView(wb, 'Local');
    // Expand groups (status groups, or runs) until the job's row is shown.
    await waitFor(async () => {
      await expandRows(wb, 'Local', /./);
      return (await treeRows(wb, 'Local')).some((r) => r.label === 'crunch');
    }, { timeoutMs: 60_000, intervalMs: 500, what: 'the crunch job in the Local view' });
    const row = viewPane(wb, 'Local').locator('.monaco-list-row', { has: wb.page.locator('.label-name', { hasText: /^crunch$/ }) }).first();
    try {
      await runMenuEntry(wb, row, 'Why Is This Job Stuck?', () => frameWithText(wb, title), { what: 'the explanation from the Local view' });
    } finally {
      console.log(`      screenshot: ${await wb.screenshot('dag-live-stuck-from-local-view')}; notifications: ${(await notificationTexts(wb)).join(' | ')}`);
    }
  });
});
