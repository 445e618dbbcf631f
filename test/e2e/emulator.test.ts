/**
 * The emulator's lifecycle in a real VS Code, with real Docker: "Run Workflow Locally" from the
 * palette starts `localbatch serve` as a child of the extension host (its node, ELECTRON_RUN_AS_NODE=1),
 * the workflow's run and its jobs finish in the Local view, the status bar follows, the server outlives
 * a window reload (the reloaded window attaches to it again), "Stop Emulator" ends the server, and
 * "Start Emulator" attaches to a server started outside VS Code on the same state.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './support/env';
import { extensionSession, type Session } from './support/session';
import { assertRunSucceeded, EMULATOR_RUNNING, expandRows, expandView, runFinished, viewPane, waitForRows, waitForStatusBar, type TreeRow } from './support/tree';
import { waitFor } from './support/wait';

interface Endpoint { url: string; pid: number }

/** The status-bar item while the emulator runs (its aria label starts with the codicon's name). */

function endpointOf(workspace: string): Endpoint | undefined {
  try {
    return JSON.parse(readFileSync(path.join(workspace, '.localbatch', 'endpoint.json'), 'utf8')) as Endpoint;
  } catch {
    return undefined;
  }
}

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** The job rows of the run labelled `name` (the newest one). */
function jobsOfRun(rows: TreeRow[], name: string): TreeRow[] {
  const at = rows.findIndex((r) => r.level === 1 && r.label === name);
  if (at < 0) return [];
  const out: TreeRow[] = [];
  for (const r of rows.slice(at + 1)) {
    if (r.level <= 1) break;
    if (r.level === 2) out.push(r);
  }
  return out;
}

/** The Local view's description (next to its title): the emulator's URL while it runs. */
async function localDescription(wb: Awaited<ReturnType<Session['workbench']>>): Promise<string> {
  return ((await viewPane(wb, 'Local').locator('.pane-header .description').textContent().catch(() => '')) ?? '').trim();
}

describe('LocalBatch emulator lifecycle and local runs (e2e)', function () {
  this.timeout(240_000);
  let session: Session | undefined;
  let outside: ChildProcess | undefined;

  before(async function () {
    session = await extensionSession(this, { name: 'emulator', docker: true });
  });

  after(async () => {
    if (outside?.exitCode === null) outside.kill('SIGKILL');
    await session?.dispose();
  });

  it('runs a workflow from the palette: the emulator starts and its run finishes in the Local view', async () => {
    const wb = await session!.workbench();
    await wb.answerTrustDialog('trust');
    await wb.openViewContainer('LocalBatch');
    await expandView(wb, 'Local');
    await wb.openFile('hello.workflow.yaml');
    const t0 = Date.now();
    await wb.runCommand('LocalBatch: Run Workflow Locally');

    const status = await waitForStatusBar(wb, EMULATOR_RUNNING);
    const endpoint = await waitFor(() => endpointOf(session!.workspace), { timeoutMs: 30_000, what: 'endpoint.json' });
    console.log(`      emulator running after ${Date.now() - t0} ms`);
    // The server is a child of the extension host, run by the extension host's own node.
    const serveCmd = readFileSync(`/proc/${endpoint.pid}/cmdline`, 'utf8').split('\0');
    const env = readFileSync(`/proc/${endpoint.pid}/environ`, 'utf8').split('\0');
    const ppid = Number(readFileSync(`/proc/${endpoint.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
    const parentCmd = readFileSync(`/proc/${ppid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    console.log(`      status bar: ${status}; serve pid ${endpoint.pid}: ${readlinkSync(`/proc/${endpoint.pid}/exe`)} ${serveCmd.slice(3).join(' ')}`);
    console.log(`      parent ${ppid}: ${parentCmd.slice(0, 160)}`);
    assert.ok(serveCmd.includes('serve'), serveCmd.join(' '));
    assert.ok(env.includes('ELECTRON_RUN_AS_NODE=1'));
    assert.match(parentCmd, /extensionHost|bootstrap-fork/);

    const rows = await waitForRows(wb, 'Local', (r) => {
      const run = r.find((x) => x.level === 1 && x.label === 'hello.workflow.yaml');
      return runFinished(run, 2) && r;
    }, 'the run of hello.workflow.yaml with 2/2 jobs done', 120_000);
    console.log(`      run finished in the Local view after ${Date.now() - t0} ms`);
    await expandRows(wb, 'Local', /./);
    const shot = await wb.screenshot('local-succeeded');
    console.log(`      screenshot: ${shot}`);
    for (const r of rows) console.log(`      ${'  '.repeat(r.level)}${r.label} | ${r.description} | ${r.ariaLabel}`);
    assertRunSucceeded(rows.find((x) => x.level === 1 && x.label === 'hello.workflow.yaml')!);
    const expanded = await waitForRows(wb, 'Local', (r) => jobsOfRun(r, 'hello.workflow.yaml').length === 2 && r, 'the run\'s jobs', 15_000);
    const jobs = jobsOfRun(expanded, 'hello.workflow.yaml');
    assert.deepEqual(jobs.map((j) => j.label), ['greet', 'farewell']);
    // A failed job's row shows its exit code and reason ("exit 1: Essential container in task exited").
    for (const j of jobs) assert.doesNotMatch(j.description, /exit \d|FAILED|failed/, `${j.label}: ${j.description}`);
    assert.equal(await localDescription(wb), endpoint.url);
  });

  it('keeps the server across a window reload and attaches to it again', async () => {
    const wb = await session!.workbench();
    const before = endpointOf(session!.workspace)!;
    await wb.runCommand('Developer: Reload Window');
    await waitForStatusBar(await session!.workbench(), EMULATOR_RUNNING, 60_000);
    const after = endpointOf(session!.workspace)!;
    assert.deepEqual([after.pid, after.url], [before.pid, before.url], 'the same server');
    assert.ok(alive(before.pid));
    const wb2 = await session!.workbench();
    await wb2.openViewContainer('LocalBatch');
    await expandView(wb2, 'Local');
    const run = await waitForRows(wb2, 'Local', (r) => {
      const row = r.find((x) => x.level === 1 && x.label === 'hello.workflow.yaml');
      return runFinished(row, 2) && row;
    }, 'the attached emulator with its run', 30_000);
    assertRunSucceeded(run);
    assert.equal(await localDescription(wb2), before.url);
  });

  it('"Stop Emulator" stops the server it started', async () => {
    const wb = await session!.workbench();
    const { pid } = endpointOf(session!.workspace)!;
    // The first command after the window reload: its palette may need a second try (runCommand retries).
    await wb.runCommand('LocalBatch: Stop Emulator', 30_000);
    await waitForStatusBar(wb, /LocalBatch: stopped/, 30_000);
    await waitFor(() => !alive(pid), { timeoutMs: 15_000, what: `serve (pid ${pid}) to exit` });
    // An empty Local view: its welcome offers to start the emulator.
    await viewPane(wb, 'Local').locator('.welcome-view-content', { hasText: 'Start Emulator' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('stopped');
  });

  it('"Start Emulator" attaches to a server started outside VS Code on the workspace state', async () => {
    const wb = await session!.workbench();
    const stateDir = path.join(session!.workspace, '.localbatch');
    outside = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'localbatch.js'), 'serve', '--state-dir', stateDir, '--port', '0'],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    const endpoint = await waitFor(() => {
      const e = endpointOf(session!.workspace);
      return e?.pid === outside!.pid && e;
    }, { timeoutMs: 30_000, what: 'the outside server\'s endpoint.json' });
    await wb.runCommand('LocalBatch: Start Emulator');
    await waitForStatusBar(wb, EMULATOR_RUNNING, 30_000);
    // Attached: same server, and the jobs of the first run (kept in the state directory) are listed.
    const earlier = await waitForRows(wb, 'Local', (r) => r.find((x) => x.level === 1 && x.label === 'hello.workflow.yaml' && runFinished(x, 2)),
      'the attached emulator with the earlier run', 30_000);
    assertRunSucceeded(earlier);
    assert.equal(await localDescription(wb), endpoint.url);
    await wb.screenshot('attached');

    // Stopping a server this window did not start asks first.
    await wb.runCommand('LocalBatch: Stop Emulator');
    const confirm = wb.page.locator('.monaco-dialog-box').getByRole('button', { name: 'Stop Emulator' });
    await confirm.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('confirm-stop');
    await confirm.click();
    await waitFor(() => outside!.exitCode !== null || outside!.signalCode !== null, { timeoutMs: 20_000, what: 'the outside server to exit' });
    await waitForStatusBar(wb, /LocalBatch: stopped/, 15_000);
    // A clean stop (SIGTERM, not a kill): exit code 0, and the server withdrew its endpoint.json.
    assert.deepEqual([outside!.exitCode, outside!.signalCode], [0, null]);
    assert.equal(endpointOf(session!.workspace), undefined, 'endpoint.json removed by the stopped server');
  });
});
