/** The DAG webview bundle in headless Chromium, under the extension's own HTML and CSP. */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { graphFromWorkflow } from '../../../src/model/dag';
import type { WorkflowFile } from '../../../src/model/types';
import { CHROMIUM, DagHost, fixtureGraph, launchChromium, openDagPage, posted, send, showGraph, THEME } from './dag-host';

/** Browser globals used inside page.evaluate (this project compiles without the DOM library). */
declare function getComputedStyle(e: unknown): { stroke: string; fill: string };

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
      console.log(`    SKIPPED: needs ${CHROMIUM} and the built bundle (npm run build)`);
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

  it('lays out 1,000 nodes in the worker, and ran without CSP violations or errors', async () => {
    const stats = await showGraph(page, fixtureGraph(1000));
    assert.equal(await page.locator('g.node').count(), 1000);
    console.log(`      1,000 nodes: layout ${stats.layoutMs.toFixed(0)} ms, paint ${stats.paintMs.toFixed(0)} ms (${stats.engine})`);
    assert.deepEqual(problems.filter((p) => !/favicon|404/.test(p)), []);
  });
});
