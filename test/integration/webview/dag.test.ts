/** The DAG webview bundle in headless Chromium, under the extension's own HTML and CSP. */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { graphFromDefinition } from '../../../src/model/asl-graph';
import { graphFromWorkflow } from '../../../src/model/dag';
import { applyUpdates } from '../../../src/model/dag-updates';
import type { WorkflowFile } from '../../../src/model/types';
import { isCI, resultsPath } from '../../e2e/support/env';
import { CHROMIUM, DagHost, fixtureGraph, launchChromium, openDagPage, posted, send, showGraph, THEME } from './dag-host';

/** Browser globals used inside page.evaluate (this project compiles without the DOM library). */
declare function getComputedStyle(e: unknown): { stroke: string; fill: string; backgroundColor: string; strokeDasharray: string };
declare const document: { querySelectorAll(s: string): { length: number }; getElementById(id: string): { dataset: Record<string, string | undefined> } | null };
interface PagePosted { __posted: Array<Record<string, unknown>> }

const BUNDLE = path.resolve(__dirname, '..', '..', '..', 'dist', 'webview', 'dag.js');
const WORKFLOW: WorkflowFile = {
  jobs: {
    preprocess: { jobDefinition: 'pre' },
    simulate: { jobDefinition: 'sim', arrayProperties: { size: 8 }, dependsOn: [{ job: 'preprocess' }] },
    postprocess: { jobDefinition: 'post', arrayProperties: { size: 8 }, dependsOn: [{ job: 'simulate', type: 'N_TO_N' }] },
    aggregate: { jobDefinition: 'agg', dependsOn: [{ job: 'postprocess' }] },
    render: { jobDefinition: 'r', arrayProperties: { size: 4 }, dependsOn: [{ job: 'aggregate' }, { type: 'SEQUENTIAL' }] },
  },
};

describe('dependency graph webview (integration)', function () {
  this.timeout(120_000);
  let host: DagHost;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM) || !existsSync(BUNDLE)) {
      const msg = `needs Chromium at ${CHROMIUM} (LOCALBATCH_CHROMIUM; .ci/setup-code-server.sh) and the built bundle ${BUNDLE} (npm run build)`;
      if (isCI()) throw new Error(`${msg}; CI is set, so a missing prerequisite is a failure, not a skip`);
      console.log(`    SKIPPED: ${msg}`);
      this.skip();
    }
    host = await DagHost.start();
    browser = await launchChromium();
    page = await openDagPage(browser, host, problems);
    await showGraph(page, graphFromWorkflow(WORKFLOW, 'montecarlo'));
  });

  after(async () => {
    await browser?.close();
    await host?.close();
  });

  it('draws one node per job and one edge per dependency, with types visible', async () => {
    assert.equal(await page.locator('g.node').count(), 5);
    assert.equal(await page.locator('g.edge').count(), 4);
    assert.deepEqual(await page.locator('g.edge[data-type="N_TO_N"] text.edge-label').allTextContents(), ['N_TO_N']);
    const names = await page.locator('g.node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-job-name')}:${e.getAttribute('data-status')}`));
    assert.deepEqual(names.sort(), ['aggregate:PLANNED', 'postprocess:PLANNED', 'preprocess:PLANNED', 'render:PLANNED', 'simulate:PLANNED']);
    assert.match((await page.locator('g.node[data-job-name="render"] text.node-status').textContent()) ?? '', /array ×4 · SEQUENTIAL/);
  });

  it('colours nodes from the theme variables and updates a status in place', async () => {
    const node = page.locator('g.node[data-job-name="simulate"]');
    const before = await node.getAttribute('transform');
    await send(page, { type: 'update', updates: [
      { id: 'preprocess', status: 'SUCCEEDED', jobId: 'P' },
      { id: 'simulate', status: 'RUNNING', counts: { SUCCEEDED: 3, RUNNING: 2, RUNNABLE: 3 }, jobId: 'S' },
      { id: 'aggregate', status: 'FAILED' },
    ] });
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('g.node[data-job-name="simulate"][data-status="RUNNING"]'));
    assert.equal(await node.getAttribute('transform'), before, 'the node did not move');
    const stroke = (sel: string) => page.locator(sel).evaluate((e) => getComputedStyle(e).stroke);
    assert.equal(await stroke('g.node[data-job-name="preprocess"] rect.node-box'), THEME['--vscode-testing-iconPassed']);
    assert.equal(await stroke('g.node[data-job-name="simulate"] rect.node-box'), THEME['--vscode-charts-blue']);
    assert.equal(await stroke('g.node[data-job-name="aggregate"] rect.node-box'), THEME['--vscode-testing-iconFailed']);
    const segs = await node.locator('rect.seg').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-status')}=${e.getAttribute('data-count')}`));
    assert.deepEqual(segs, ['RUNNABLE=3', 'RUNNING=2', 'SUCCEEDED=3']);
    const fill = await node.locator('rect.seg[data-status="SUCCEEDED"]').evaluate((e) => getComputedStyle(e).fill);
    assert.equal(fill, THEME['--vscode-testing-iconPassed']);
  });

  it('posts typed messages when a node is clicked and double-clicked', async () => {
    await page.locator('g.node[data-job-name="simulate"]').click();
    await page.locator('g.node[data-job-name="aggregate"]').dblclick();
    const nodeMessages = (await posted(page)).filter((m) => m.type === 'node');
    assert.deepEqual(nodeMessages[0], { type: 'node', action: 'select', nodeId: 'simulate', jobName: 'simulate', jobId: 'S' });
    assert.ok(nodeMessages.some((m) => m.action === 'openDefinition' && m.jobName === 'aggregate'));
    await page.locator('g.node[data-job-name="simulate"]').click();
    await page.locator('#act-logs').click();
    assert.ok((await posted(page)).some((m) => m.type === 'node' && m.action === 'showLogs' && m.jobId === 'S'));
  });

  it('exports a standalone SVG with resolved colours', async () => {
    await page.locator('#export').click();
    const svg = (await posted(page)).find((m) => m.type === 'exportSvg')?.svg as string;
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.includes(THEME['--vscode-testing-iconPassed']), 'theme colour resolved in the export');
  });

  it('shows a legend of the status colours and edge kinds, and hides it on request', async () => {
    const legend = page.locator('#legend');
    assert.ok(await legend.isVisible());
    // Shown ones only: a state machine's CAUGHT and ABORTED are in the markup, hidden for Batch graphs.
    const statuses = await legend.locator('.swatch').evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => e.getAttribute('data-status')));
    assert.deepEqual(statuses, ['PLANNED', 'SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED']);
    const fill = await legend.locator('.swatch[data-status="FAILED"]').evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(fill, THEME['--vscode-testing-iconFailed'], 'the swatch has the colour FAILED nodes have');
    assert.match((await legend.textContent()) ?? '', /depends on.*N_TO_N.*SEQUENTIAL/);
    const dash = await legend.locator('.legend-edge[data-type="N_TO_N"]').evaluate((e) => getComputedStyle(e).strokeDasharray);
    const graphDash = await page.locator('g.edge[data-type="N_TO_N"] path').evaluate((e) => getComputedStyle(e).strokeDasharray);
    assert.equal(dash, graphDash, 'the legend draws N_TO_N as the graph does');
    await page.locator('#show-legend').click();
    assert.equal(await legend.isVisible(), false);
    await page.locator('#show-legend').click();
    assert.ok(await legend.isVisible());
  });

  it('cuts long names with an ellipsis inside their node (full name in the tooltip), and nodes do not overlap', async () => {
    const long = 'preprocess-the-raw-input-files-from-the-instrument-bucket-and-normalise-them';
    await showGraph(page, graphFromWorkflow({ jobs: {
      [long]: { jobDefinition: 'x' },
      short: { jobDefinition: 'x', dependsOn: [{ job: long }] },
      [`${long}-again`]: { jobDefinition: 'x', dependsOn: [{ job: long }] },
      mid: { jobDefinition: 'x', arrayProperties: { size: 10 }, dependsOn: [{ job: 'short' }] },
    } }, 'labels'));
    const boxes = await page.locator('g.node').evaluateAll((els) => els.map((g) => {
      const box = (g.querySelector('rect.node-box') as unknown as { getBoundingClientRect(): { x: number; y: number; width: number; height: number } }).getBoundingClientRect();
      const label = (g.querySelector('text.node-label') as unknown as { getBoundingClientRect(): { x: number; width: number }; textContent: string }).getBoundingClientRect();
      const status = (g.querySelector('text.node-status') as unknown as { getBoundingClientRect(): { x: number; width: number } }).getBoundingClientRect();
      return { name: g.getAttribute('data-job-name') ?? '', text: g.querySelector('text.node-label')?.textContent ?? '', title: g.querySelector('title')?.textContent ?? '', box, label, status };
    }));
    const cut = boxes.find((b) => b.name === long)!;
    assert.match(cut.text, /^preprocess-the-raw.*…$/);
    assert.ok(cut.text.length < long.length);
    assert.ok(cut.title.startsWith(long), 'the tooltip has the full name');
    assert.equal(boxes.find((b) => b.name === 'short')!.text, 'short');
    // The longest status fits without an ellipsis (nodes are sized for it).
    await send(page, { type: 'update', updates: [{ id: 'mid', status: 'SUCCEEDED' }] });
    await page.waitForFunction(() => document.querySelectorAll('g.node[data-job-name="mid"][data-status="SUCCEEDED"]').length === 1);
    assert.equal(await page.locator('g.node[data-job-name="mid"] text.node-status').textContent(), 'SUCCEEDED · array ×10');
    for (const b of boxes) {
      assert.ok(b.label.x + b.label.width <= b.box.x + b.box.width + 0.5, `${b.name}: label inside its node`);
      assert.ok(b.status.x + b.status.width <= b.box.x + b.box.width + 0.5, `${b.name}: status inside its node`);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].box;
        const c = boxes[j].box;
        const overlap = a.x < c.x + c.width && c.x < a.x + a.width && a.y < c.y + c.height && c.y < a.y + a.height;
        assert.ok(!overlap, `${boxes[i].name} and ${boxes[j].name} overlap`);
      }
    }
    // A small graph is shown at full size (zoom 1), not blown up or shrunk.
    const transform = await page.locator('g.viewport').getAttribute('transform');
    assert.match(transform ?? '', /scale\(1\.0000\)/);
    await page.screenshot({ path: resultsPath('webview-dag-labels.png') });
  });

  it('keeps updates that arrive while a layout runs and applies them once it is drawn', async () => {
    const graph = fixtureGraph(200);
    const before = await page.evaluate(() => Number((globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.renders ?? 0));
    await send(page, { type: 'graph', graph, source: { kind: 'workflow', file: 'fixture.workflow.yaml' }, live: 'Following the latest local run' });
    // Sent right after the graph, while the worker lays it out.
    await send(page, { type: 'update', updates: [{ id: 'job-0', status: 'RUNNING', jobId: 'J0' }] });
    await send(page, { type: 'update', updates: [{ id: 'job-0', status: 'SUCCEEDED' }, { id: 'job-199', status: 'FAILED', jobId: 'J199' }] });
    await page.waitForFunction((n) => Number((globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.renders ?? 0) > n, before);
    const status = (id: string) => page.locator(`g.node[data-id="${id}"]`).evaluate((e) => `${e.getAttribute('data-status')}:${e.getAttribute('data-job-id')}`);
    assert.equal(await status('job-0'), 'SUCCEEDED:J0');
    assert.equal(await status('job-199'), 'FAILED:J199');
    // Large graphs start at a readable zoom, not shrunk to fit.
    const transform = await page.locator('g.viewport').getAttribute('transform');
    assert.ok(Number(/scale\(([\d.]+)\)/.exec(transform ?? '')?.[1]) >= 0.6, transform ?? '');
  });

  it("shows a distributed Map's progress as its group's second line, updated in place and kept by later status updates", async () => {
    // (Later: a Map not written yet, an empty group)
    const def = { StartAt: 'Fan', States: { Fan: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } }, Next: 'Later' }, Later: { Type: 'Map', End: true } } };
    const graph = graphFromDefinition(def, 'fan.asl.json');
    const fan = graph.nodes.find((n) => n.name === 'Fan')!;
    await showGraph(page, applyUpdates(graph, [{ id: fan.id, status: 'RUNNING', progress: '1/5 items, 2 running' }]));
    const line = () => page.locator(`g.node.group[data-id="${fan.id}"] text.node-status`).textContent();
    assert.equal(await line(), 'RUNNING · 1/5 items, 2 running', 'drawn with the graph');
    await send(page, { type: 'update', updates: [{ id: fan.id, status: 'RUNNING', progress: '4/5 items, 1 failed, 1 running' }] });
    await page.waitForFunction((id) => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector(`g.node[data-id="${id}"] text.node-status`)?.textContent.includes('4/5'), fan.id);
    assert.equal(await line(), 'RUNNING · 4/5 items, 1 failed, 1 running');
    await send(page, { type: 'update', updates: [{ id: fan.id, status: 'FAILED' }] });
    await page.waitForFunction((id) => (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(`g.node[data-id="${id}"][data-status="FAILED"]`), fan.id);
    assert.equal(await line(), 'FAILED · 4/5 items, 1 failed, 1 running', 'a status update without progress keeps the line');
    assert.match((await page.locator(`g.node.group[data-id="${fan.id}"] title`).textContent()) ?? '', /4\/5 items, 1 failed/);
    assert.equal(await page.locator('g.node.group[data-job-name="Later"] title').textContent(), 'Later (PLANNED), Map', 'a group drawn says its second line in its tooltip');
    await page.screenshot({ path: resultsPath('webview-dag-map-run-progress.png') });
    // Top-down too, the group is as wide as its status line needs (it used to be only as wide as its members).
    const renders = () => page.evaluate(() => Number((globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.renders ?? 0));
    for (const direction of ['Top–Down', 'Left–Right']) {
      const before = await renders();
      assert.equal(await page.locator('#direction').textContent(), direction);
      await page.locator('#direction').click();
      await page.waitForFunction((n) => Number((globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.renders ?? 0) > n, before);
      assert.equal(await line(), 'FAILED · 4/5 items, 1 failed, 1 running', `laid out ${direction}`);
      const later = await page.locator('g.node.group[data-job-name="Later"] rect.group-box').evaluate((e) => [Number(e.getAttribute('width')), Number(e.getAttribute('height'))]);
      assert.ok(later[0] >= 112 && later[1] < 100, `the empty group Later laid out ${direction} as wide as its name needs, not turned: ${later.join('x')}`);
    }
    await showGraph(page, graphFromWorkflow(WORKFLOW, 'montecarlo'));
  });

  it('draws the timeline: a row per job and child, attempts as segments coloured by status, a growing running bar', async () => {
    await page.locator('vscode-tab-header[data-tab="timeline"]').click();
    await page.waitForFunction(() => (globalThis as unknown as PagePosted).__posted.some((m) => m.type === 'tab' && m.tab === 'timeline'));
    const now = Date.now();
    const renders = () => page.evaluate(() => Number((globalThis as unknown as { document: { getElementById(id: string): { dataset: Record<string, string> } } }).document.getElementById('timeline').dataset.renders ?? 0));
    await send(page, { type: 'timeline', timeline: { start: now - 60_000, now, rows: [
      { jobId: 'P', nodeId: 'preprocess', label: 'preprocess', status: 'SUCCEEDED', createdAt: now - 60_000, segments: [
        { start: now - 58_000, end: now - 50_000, status: 'FAILED', attempt: 1, exitCode: 1 },
        { start: now - 49_000, end: now - 40_000, status: 'SUCCEEDED', attempt: 2, exitCode: 0 },
      ] },
      { jobId: 'S', nodeId: 'simulate', label: 'simulate', status: 'PENDING', arraySize: 2, createdAt: now - 39_000, segments: [] },
      { jobId: 'S:0', nodeId: 'simulate', label: 'simulate [0]', status: 'SUCCEEDED', parentJobId: 'S', index: 0, createdAt: now - 39_000, segments: [{ start: now - 38_000, end: now - 20_000, status: 'SUCCEEDED', attempt: 1, exitCode: 0 }] },
      { jobId: 'S:1', nodeId: 'simulate', label: 'simulate [1]', status: 'RUNNING', parentJobId: 'S', index: 1, createdAt: now - 39_000, segments: [{ start: now - 10_000, status: 'RUNNING', attempt: 1 }] },
    ] } });
    await page.waitForFunction(() => document.querySelectorAll('#timeline g.row').length === 4);
    assert.equal(await page.locator('#canvas').isVisible(), false, 'the graph is hidden on the timeline tab');
    const segs = await page.locator('#timeline rect.seg').evaluateAll((els) => els.map((e) => `${e.closest('g.row')?.getAttribute('data-job-id')}:${e.getAttribute('data-attempt')}:${e.getAttribute('data-status')}`));
    assert.deepEqual(segs, ['P:1:FAILED', 'P:2:SUCCEEDED', 'S:0:1:SUCCEEDED', 'S:1:1:RUNNING']);
    const colour = (sel: string) => page.locator(sel).evaluate((e) => getComputedStyle(e).fill);
    assert.equal(await colour('#timeline g.row[data-job-id="P"] rect.seg[data-attempt="1"]'), THEME['--vscode-testing-iconFailed']);
    assert.equal(await colour('#timeline g.row[data-job-id="P"] rect.seg[data-attempt="2"]'), THEME['--vscode-testing-iconPassed']);
    assert.equal(await colour('#timeline g.row[data-job-id="S:1"] rect.seg'), THEME['--vscode-charts-blue']);
    const x = (sel: string) => page.locator(sel).evaluate((e) => Number(e.getAttribute('x')));
    assert.ok(await x('#timeline g.row[data-job-id="P"] rect.seg[data-attempt="1"]') < await x('#timeline g.row[data-job-id="P"] rect.seg[data-attempt="2"]'), 'attempts in time order');
    assert.equal(await page.locator('#timeline g.row[data-job-id="S"] rect.span').count(), 1, 'the array parent spans its children');
    assert.ok(await page.locator('#timeline text.tick-label').count() >= 3, 'a time axis');
    assert.match((await page.locator('#timeline g.row[data-job-id="P"] rect.seg[data-attempt="1"] title').textContent()) ?? '', /attempt 1, FAILED[\s\S]*exit code 1/);
    // The running bar grows with the clock (the view ticks every second while something runs).
    const width = () => page.locator('#timeline g.row[data-job-id="S:1"] rect.seg').evaluate((e) => Number(e.getAttribute('width')));
    const w0 = await width();
    const r0 = await renders();
    await page.waitForFunction((n) => Number(document.getElementById('timeline')!.dataset.renders ?? 0) > n + 1, r0, { timeout: 10_000 });
    const w1 = await width();
    assert.ok(w1 > w0, `the running segment grows with the clock (width ${w0} then ${w1})`);
    assert.ok(await page.locator('#timeline line.now').count() === 1, 'a now line while the run goes on');
    await page.screenshot({ path: resultsPath('webview-dag-timeline.png') });
    await page.locator('vscode-tab-header[data-tab="graph"]').click();
    await page.locator('#canvas').waitFor({ state: 'visible' });
  });

  it('lays out 1,000 nodes in the worker, and ran without CSP violations or errors', async () => {
    const stats = await showGraph(page, fixtureGraph(1000));
    assert.equal(await page.locator('g.node').count(), 1000);
    console.log(`      1,000 nodes: layout ${stats.layoutMs.toFixed(0)} ms, paint ${stats.paintMs.toFixed(0)} ms (${stats.engine})`);
    assert.deepEqual(problems.filter((p) => !/favicon|404/.test(p)), []);
  });
});
