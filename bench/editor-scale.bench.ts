/**
 * The editor at scale (issue 22 item 4), in a real VS Code (code-server, as the e2e tests): a run of
 * 10,000 jobs (one run: every job carries the run's tags) and a bucket of 1,000 objects in the Local
 * view, against the built-in Explorer expanding a folder of 1,000 files in the same window.
 * Measured in the page, from the mouse press to the first animation frame after the rows are in the
 * DOM: expanding the Explorer's folder (a fresh folder each round: a cold directory read), expanding
 * the run and the bucket (collapsed again between rounds), and refreshing: the Local view's Refresh
 * with the run and the bucket expanded until an object put since shows, the Explorer's Refresh until
 * a file written since shows (its watcher excludes those folders, so only the Refresh finds it).
 * The emulator is `localbatch serve --runtime scripted` (no Docker; jobs still pass through every
 * state), which the extension attaches to. LOCALBATCH_BENCH_VSIX=<file> measures another VSIX.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchClient, ListJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { CreateBucketCommand, DeleteBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Locator, Page } from 'playwright-core';
import { RUN_TAGS } from '../src/model/runs';
import { CodeServer } from '../test/e2e/support/code-server';
import { REPO_ROOT, missingPrerequisites } from '../test/e2e/support/env';
import { expandView, waitForRows } from '../test/e2e/support/tree';
import { extensionVsix } from '../test/e2e/support/vsix';
import { waitFor } from '../test/e2e/support/wait';
import { Workbench } from '../test/e2e/support/workbench';
import { killServe, startServe } from '../test/support/serve-process';
import type { Benchmark } from './benchmark';
import { median } from './timing';

const JOBS = Number(process.env.LOCALBATCH_BENCH_JOBS ?? 10_000);
const OBJECTS = 1_000;
const FILES = 1_000;
const ROUNDS = Number(process.env.LOCALBATCH_BENCH_ROUNDS ?? 3);
const RUN_ID = 'r-bench-scale';
const RUN_NAME = 'scale.workflow.yaml';
const BUCKET = 'scale';
const OTHER_VSIX = process.env.LOCALBATCH_BENCH_VSIX || undefined;

/**
 * In-page probes, as a plain script (tsx would wrap named functions in an evaluate callback with a
 * __name helper the page lacks). __lbArm(container, pattern) starts watching `container` for a row
 * whose label matches; the clock starts at the next mouse press; __lbResult() resolves to the ms from
 * that press to the first animation frame after such a row is in the DOM.
 */
const PROBES = `
window.__lbArm = (container, pattern) => {
  const re = new RegExp(pattern);
  const found = () => [...container.querySelectorAll('.monaco-list-row .label-name')].some((l) => re.test((l.textContent || '').trim()));
  if (found()) { window.__lbPending = Promise.resolve(-2); return; }
  let t0;
  document.addEventListener('mousedown', () => { t0 = performance.now(); }, { capture: true, once: true });
  window.__lbPending = new Promise((resolve) => {
    const done = () => requestAnimationFrame(() => resolve(t0 === undefined ? -1 : performance.now() - t0));
    const observer = new MutationObserver(() => {
      if (t0 !== undefined && found()) { observer.disconnect(); done(); }
    });
    observer.observe(container, { childList: true, subtree: true, characterData: true });
  });
};
window.__lbResult = () => window.__lbPending;
`;

interface Probe { arm(container: Locator, pattern: RegExp): Promise<void>; result(): Promise<number> }

function probes(page: Page): Probe {
  return {
    async arm(container, pattern) {
      await page.evaluate(PROBES);
      await container.evaluate((el, p) => (globalThis as unknown as { __lbArm(e: unknown, p: string): void }).__lbArm(el, p), pattern.source);
    },
    async result() {
      const ms = await page.evaluate('window.__lbResult()') as number;
      if (ms === -2) throw new Error('the rows were there before the click');
      if (ms < 0) throw new Error('the rows showed without a click');
      return ms;
    },
  };
}

/** Clicks `target` (mouse press at its centre) and returns the in-page ms until a row matching `pattern` is rendered in `container`. */
async function timeClick(page: Page, container: Locator, target: Locator, pattern: RegExp, timeoutMs = 120_000): Promise<number> {
  const p = probes(page);
  await target.waitFor({ state: 'visible', timeout: 30_000 });
  const box = await target.boundingBox();
  if (!box) throw new Error('nothing to click');
  await p.arm(container, pattern);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<number>((_, reject) => (timer = setTimeout(() => reject(new Error(`no row matching ${pattern} within ${timeoutMs} ms`)), timeoutMs)));
  // (the timer cleared: 120 s timers left behind kept the bench's process alive after its results)
  return Promise.race([p.result(), late]).finally(() => clearTimeout(timer));
}

const nameRe = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** A row (by exact label and level) in a tree container. */
function row(container: Locator, label: string, level: number): Locator {
  return container.locator(`.monaco-list-row[aria-level="${level}"]`).filter({ has: container.page().locator('.label-name', { hasText: nameRe(label) }) }).first();
}

async function collapse(container: Locator, label: string, level: number): Promise<void> {
  const r = row(container, label, level);
  if ((await r.getAttribute('aria-expanded')) === 'true') await r.locator('.monaco-tl-twistie').click();
  await waitFor(async () => (await r.getAttribute('aria-expanded')) === 'false', { timeoutMs: 30_000, what: `${label} collapsed` });
}

function ensurePackaged(): string {
  if (OTHER_VSIX) return OTHER_VSIX;
  const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run package failed:\n${r.stdout}\n${r.stderr}`);
  return extensionVsix();
}

/** The workspace: the e2e fixture, ROUNDS + 1 folders of FILES files, the watcher kept off them. */
function makeWorkspace(): string {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'localbatch-bench-scale-'));
  cpSync(path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace'), ws, { recursive: true });
  for (let f = 0; f <= ROUNDS; f++) {
    const dir = path.join(ws, `many-${f}`);
    mkdirSync(dir);
    for (let i = 0; i < FILES; i++) writeFileSync(path.join(dir, `file-${String(i).padStart(4, '0')}.txt`), `${i}\n`);
  }
  mkdirSync(path.join(ws, '.vscode'));
  writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'files.watcherExclude': { '**/many-*/**': true } }));
  return ws;
}

/** One run of JOBS jobs (run tags on each, as Run Workflow Locally puts them) and a bucket of OBJECTS objects. */
async function populate(endpoint: { url: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }): Promise<S3Client> {
  const config = { endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials };
  const batch = new BatchClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  try {
    await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'tiny', type: 'container',
      containerProperties: { image: 'busybox', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '0.25' }, { type: 'MEMORY', value: '16' }] } }));
    const tags = (i: number) => ({ [RUN_TAGS.id]: RUN_ID, [RUN_TAGS.name]: RUN_NAME, [RUN_TAGS.source]: RUN_NAME, [RUN_TAGS.job]: `job-${String(i).padStart(5, '0')}` });
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = next++; i < JOBS; i = next++) {
        await batch.send(new SubmitJobCommand({ jobName: `job-${String(i).padStart(5, '0')}`, jobQueue: 'local', jobDefinition: 'tiny', tags: tags(i) }));
      }
    }));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    let o = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = o++; i < OBJECTS; i = o++) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `obj-${String(i).padStart(4, '0')}.txt`, Body: `${i}\n` }));
    }));
    // Wait for the run to finish (a finished run is what one expands to look back at).
    await waitFor(async () => {
      let done = 0;
      for (const status of ['SUCCEEDED', 'FAILED'] as const) {
        let nextToken: string | undefined;
        do {
          const page = await batch.send(new ListJobsCommand({ jobQueue: 'local', jobStatus: status, maxResults: 1000, nextToken }));
          done += page.jobSummaryList?.length ?? 0;
          nextToken = page.nextToken;
        } while (nextToken);
      }
      return done >= JOBS;
    }, { timeoutMs: 600_000, intervalMs: 2000, what: `${JOBS} jobs to finish` });
    return s3;
  } catch (err) {
    s3.destroy();
    throw err;
  } finally {
    batch.destroy();
  }
}

/** Where the bench is, on stderr (the results go to stdout). */
const progress = (what: string) => process.stderr.write(`editor-scale: ${new Date().toISOString().slice(11, 19)} ${what}\n`);
const med = (xs: number[]) => median([...xs].sort((a, b) => a - b));
const ms = (x: number) => `${x.toFixed(0)} ms`;

function ratioLine(what: string, ours: number[], peer: number[], peerName: string): string {
  const ratios = ours.map((o, i) => o / peer[i]);
  const m = med(ratios);
  return `editor-scale: ${what} / ${peerName}: median ratio ${m.toFixed(2)} (${m < 1 ? 'under' : 'OVER'} the Explorer's time); `
    + `ours ${ours.map(ms).join(', ')}; Explorer ${peer.map(ms).join(', ')}`;
}

async function measure(): Promise<string[]> {
  const missing = missingPrerequisites();
  if (missing.length) return [`editor-scale: skipped: ${missing.join(', ')}`];
  const vsix = ensurePackaged();
  const ws = makeWorkspace();
  const stateDir = path.join(ws, '.localbatch');
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  let s3: S3Client | undefined;
  try {
    serve = await startServe(['--runtime', 'scripted', '--port', '0'], ws, stateDir);
    const setupStart = performance.now();
    s3 = await populate(serve.endpoint);
    const setupMs = performance.now() - setupStart;
    progress(`set up in ${(setupMs / 1000).toFixed(0)} s`);
    server = await CodeServer.start({ name: 'bench-editor-scale', vsix: [vsix],
      machineSettings: { 'localbatch.emulator.port': 0, 'workbench.view.alwaysShowHeaderActions': true } });
    wb = await Workbench.open(server, ws, 'bench-editor-scale');
    await wb.answerTrustDialog('trust');
    const page = wb.page;

    // The Local view, attached to the emulator, with the run listed in full.
    await wb.openViewContainer('LocalBatch');
    const local = await expandView(wb, 'Local');
    // How many jobs the view counts in the run (an older VSIX listed at most 1,000 of them).
    const counted = await waitForRows(wb, 'Local', (r) => {
      const m = /^(\d+)\/\1 · /.exec(r.find((x) => x.level === 1 && x.label === RUN_NAME)?.description ?? '');
      return m ? Number(m[1]) : undefined;
    }, 'the run, finished', 180_000);
    const localRows = local.locator('.pane-body');
    await row(localRows, 'Buckets', 1).locator('.monaco-tl-twistie').click();
    await row(localRows, BUCKET, 2).waitFor({ state: 'visible', timeout: 60_000 });

    const runExpand: number[] = [];
    const bucketExpand: number[] = [];
    const localRefresh: number[] = [];
    const explorerExpand: number[] = [];
    const explorerRefresh: number[] = [];
    const refreshButton = local.locator('.pane-header .actions').getByRole('button', { name: 'Refresh', exact: true });
    const refreshExplorer = page.locator('.part.sidebar').getByRole('button', { name: 'Refresh Explorer', exact: true });
    // Round 0 warms up (first listing, code paths compiled); rounds 1..ROUNDS are reported.
    for (let round = 0; round <= ROUNDS; round++) {
      const keep = round > 0;
      progress(`round ${round}`);
      // The Explorer: expand a folder of FILES files not read before.
      await wb.openViewContainer('Explorer');
      const explorer = page.locator('.part.sidebar .explorer-folders-view');
      const folder = `many-${round}`;
      const e = await timeClick(page, explorer, row(explorer, folder, 1), /^file-\d{4}\.txt$/);
      // Its Refresh: a file written since shows (the watcher is off for these folders).
      writeFileSync(path.join(ws, folder, `file-0000-new-${round}.txt`), 'new\n');
      const er = await timeClick(page, explorer, refreshExplorer, nameRe(`file-0000-new-${round}.txt`));
      await collapse(explorer, folder, 1);

      // The Local view: expand the run and the bucket, then Refresh with both expanded.
      await wb.openViewContainer('LocalBatch');
      // The bucket first: expanded, its rows push the run's row out of the rendered ones.
      await collapse(localRows, BUCKET, 2);
      await collapse(localRows, RUN_NAME, 1);
      // A Refresh while both are collapsed marks their children stale, so expanding lists them
      // again (cold, as the Explorer's new folder); a bucket made since shows when it is done.
      // (The last round's marker goes: marker buckets piling up would push the run's row out of sight.)
      if (round > 0) await s3!.send(new DeleteBucketCommand({ Bucket: `${BUCKET}-x${round - 1}` }));
      await s3!.send(new CreateBucketCommand({ Bucket: `${BUCKET}-x${round}` }));
      await refreshButton.click();
      await row(localRows, `${BUCKET}-x${round}`, 2).waitFor({ state: 'visible', timeout: 120_000 });
      const r = await timeClick(page, localRows, row(localRows, RUN_NAME, 1).locator('.monaco-tl-twistie'), /^job-\d{5}$/);
      const b = await timeClick(page, localRows, row(localRows, BUCKET, 2).locator('.monaco-tl-twistie'), /^obj-\d{4}\.txt$/);
      await s3!.send(new PutObjectCommand({ Bucket: BUCKET, Key: `obj-0000-new-${round}.txt`, Body: 'new\n' }));
      const lr = await timeClick(page, localRows, refreshButton, nameRe(`obj-0000-new-${round}.txt`));
      if (keep) {
        explorerExpand.push(e);
        explorerRefresh.push(er);
        runExpand.push(r);
        bucketExpand.push(b);
        localRefresh.push(lr);
      }
    }
    const shot = await wb.screenshot('local-view');
    progress('done');
    return [
      `editor-scale: ${JOBS} jobs in one run (the view counts ${counted}), ${OBJECTS} objects in a bucket, Explorer folders of ${FILES} files; ${ROUNDS} rounds after a warm-up (setup ${(setupMs / 1000).toFixed(0)} s; screenshot ${shot})`,
      ratioLine(`expand the ${JOBS}-job run`, runExpand, explorerExpand, `expand a ${FILES}-file folder`),
      ratioLine(`expand the ${OBJECTS}-object bucket`, bucketExpand, explorerExpand, `expand a ${FILES}-file folder`),
      ratioLine('Refresh the Local view (run and bucket expanded)', localRefresh, explorerExpand, `expand a ${FILES}-file folder`),
      ratioLine('Refresh the Local view (run and bucket expanded)', localRefresh, explorerRefresh, 'Refresh Explorer (folder expanded)'),
    ];
  } catch (err) {
    if (wb) progress(`failed; screenshot ${await wb.screenshot('failure').catch(() => 'none')}`);
    throw err;
  } finally {
    s3?.destroy();
    await wb?.close().catch(() => undefined);
    if (serve) await killServe(serve);
    await server?.stop();
    rmSync(ws, { recursive: true, force: true });
  }
}

export const editorScaleBench: Benchmark = {
  name: 'editor-scale',
  run: measure,
};
