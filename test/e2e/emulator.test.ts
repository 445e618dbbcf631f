/**
 * The emulator's lifecycle in a real VS Code, with real Docker: "Run Workflow Locally" from the
 * palette starts `localbatch serve` as a child of the extension host (its node, ELECTRON_RUN_AS_NODE=1),
 * the workflow's jobs reach SUCCEEDED in the Local view, the status bar follows, the server outlives
 * a window reload (the reloaded window attaches to it again), "Stop Emulator" ends the server, and
 * "Start Emulator" attaches to a server started outside VS Code on the same state.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, requireRealVsCode, resultsPath } from './support/env';
import { dockerForTests } from '../support/docker';
import { Session } from './support/session';
import { expandRows, expandView, waitForRows, waitForStatusBar, type TreeRow } from './support/tree';
import { extensionVsix } from './support/vsix';
import { waitFor } from './support/wait';

interface Endpoint { url: string; pid: number }

/** The status-bar item while the emulator runs (its aria label starts with the codicon's name). */
const RUNNING = /vm-running\s+LocalBatch/;

function endpointOf(workspace: string): Endpoint | undefined {
  try {
    return JSON.parse(readFileSync(path.join(workspace, '.localbatch', 'endpoint.json'), 'utf8')) as Endpoint;
  } catch {
    return undefined;
  }
}

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** The job rows under the status group `status` (label → description). */
function jobsIn(rows: TreeRow[], status: string): TreeRow[] {
  const at = rows.findIndex((r) => r.label === status);
  if (at < 0) return [];
  const out: TreeRow[] = [];
  for (const r of rows.slice(at + 1)) {
    if (r.level <= rows[at].level) break;
    if (r.level === rows[at].level + 1) out.push(r);
  }
  return out;
}

describe('LocalBatch emulator lifecycle and local runs (e2e)', function () {
  this.timeout(240_000);
  let session: Session | undefined;
  let outside: ChildProcess | undefined;

  before(async function () {
    requireRealVsCode(this);
    await dockerForTests(this);
    session = await Session.start({ name: 'emulator', vsix: [extensionVsix()], machineSettings: { 'localbatch.emulator.port': 0 } });
  });

  after(async () => {
    if (outside?.exitCode === null) outside.kill('SIGKILL');
    await session?.dispose();
  });

  it('runs a workflow from the palette: the emulator starts and its jobs reach SUCCEEDED in the Local view', async () => {
    const wb = await session!.workbench();
    await wb.answerTrustDialog('trust');
    await wb.openViewContainer('LocalBatch');
    await expandView(wb, 'Local');
    await wb.openFile('hello.workflow.yaml');
    const t0 = Date.now();
    await wb.runCommand('LocalBatch: Run Workflow Locally');

    const status = await waitForStatusBar(wb, RUNNING);
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
      const done = jobsIn(r, 'SUCCEEDED').map((j) => j.label).sort();
      return done.join(',') === 'farewell,greet' && r;
    }, 'greet and farewell under SUCCEEDED', 120_000);
    console.log(`      jobs SUCCEEDED in the Local view after ${Date.now() - t0} ms`);
    await expandRows(wb, 'Local', /./);
    const shot = await wb.screenshot('local-succeeded');
    console.log(`      screenshot: ${shot}`);
    for (const r of rows) console.log(`      ${'  '.repeat(r.level)}${r.label} | ${r.description} | ${r.ariaLabel}`);
    assert.ok(rows.some((r) => r.label === 'Emulator: running' && r.description === endpoint.url));
    assert.ok(rows.some((r) => r.label === 'local'), 'the local queue');
  });

  it('keeps the server across a window reload and attaches to it again', async () => {
    const wb = await session!.workbench();
    const before = endpointOf(session!.workspace)!;
    await wb.runCommand('Developer: Reload Window');
    await waitForStatusBar(await session!.workbench(), RUNNING, 60_000);
    const after = endpointOf(session!.workspace)!;
    assert.deepEqual([after.pid, after.url], [before.pid, before.url], 'the same server');
    assert.ok(alive(before.pid));
    const wb2 = await session!.workbench();
    await wb2.openViewContainer('LocalBatch');
    await expandView(wb2, 'Local');
    await waitForRows(wb2, 'Local', (r) => r.some((x) => x.label === 'Emulator: running' && x.description === before.url) && jobsIn(r, 'SUCCEEDED').length === 2, 'the attached emulator with its jobs', 30_000);
  });

  it('"Stop Emulator" stops the server it started', async () => {
    const wb = await session!.workbench();
    const { pid } = endpointOf(session!.workspace)!;
    await wb.runCommand('LocalBatch: Stop Emulator');
    await waitForStatusBar(wb, /LocalBatch: stopped/, 30_000);
    await waitFor(() => !alive(pid), { timeoutMs: 15_000, what: `serve (pid ${pid}) to exit` });
    await waitForRows(wb, 'Local', (r) => r.some((x) => x.label === 'Emulator: stopped'), 'Emulator: stopped', 15_000);
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
    await waitForStatusBar(wb, RUNNING, 30_000);
    // Attached: same server, and the jobs of the first run (kept in the state directory) are listed.
    await waitForRows(wb, 'Local', (r) => r.some((x) => x.label === 'Emulator: running' && x.description === endpoint.url)
      && jobsIn(r, 'SUCCEEDED').length === 2, 'the attached emulator with the earlier jobs', 30_000);
    await wb.screenshot('attached');

    // Stopping a server this window did not start asks first.
    await wb.runCommand('LocalBatch: Stop Emulator');
    const confirm = wb.page.locator('.monaco-dialog-box').getByRole('button', { name: 'Stop Emulator' });
    await confirm.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('confirm-stop');
    await confirm.click();
    await waitFor(() => outside!.exitCode !== null || outside!.signalCode !== null, { timeoutMs: 20_000, what: 'the outside server to exit' });
    await waitForStatusBar(wb, /LocalBatch: stopped/, 15_000);
    assert.ok(existsSync(resultsPath()));
  });
});
