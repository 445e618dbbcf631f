/**
 * Closing the editor does not leave its emulator running forever: with
 * `localbatch.emulator.idleShutdownMinutes` set short (0.5 min), the emulator the extension
 * started stays up while the window is open (its event stream attaches it) and through a reload,
 * and once code-server (the editor, with its extension host) is gone it stops by itself, gracefully:
 * endpoint.json removed, its log saying why.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { extensionSession, type Session } from './support/session';
import { EMULATOR_RUNNING, startEmulatorInLocalView, waitForStatusBar } from './support/tree';
import { waitFor } from './support/wait';

/** Longer than a window reload takes on a busy machine (the stream is down meanwhile). */
const IDLE_SECONDS = 30;
const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the editor\'s emulator stops by itself once the editor is gone (e2e)', function () {
  this.timeout(480_000);
  let session: Session | undefined;

  before(async function () {
    session = await extensionSession(this, { name: 'idle', docker: true, machineSettings: { 'localbatch.emulator.idleShutdownMinutes': IDLE_SECONDS / 60 } });
  });

  after(async () => {
    await session?.dispose();
  });

  it('stays up while a window is attached and through a reload, then exits after the idle time once code-server is stopped', async () => {
    const ws = session!.workspace;
    const endpointFile = path.join(ws, '.localbatch', 'endpoint.json');
    const wb = await session!.workbench();
    await startEmulatorInLocalView(wb);
    const { pid } = JSON.parse(readFileSync(endpointFile, 'utf8')) as { pid: number };
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.deepEqual(cmdline.slice(cmdline.indexOf('--idle-shutdown'), cmdline.indexOf('--idle-shutdown') + 2), ['--idle-shutdown', String(IDLE_SECONDS)]);

    // No wait here: the wait after the reload covers both the first attachment and the second
    // (the server is up longer than the idle time since it started, with a gap in between).
    await wb.runCommand('Developer: Reload Window');
    await waitForStatusBar(await session!.workbench(), EMULATOR_RUNNING, 60_000).catch(async (err: Error) => {
      const log = readFileSync(path.join(ws, '.localbatch', 'serve.log'), 'utf8');
      throw new Error(`${err.message}\nserve alive: ${alive(pid)}; screenshot ${await wb.screenshot('idle-after-reload')}\nserve.log:\n${log.slice(-2000)}`);
    });
    await sleep(IDLE_SECONDS * 1000 + 10_000);
    assert.ok(alive(pid), 'attached, and the reloaded window attached again: still serving after more than the idle time');
    assert.equal((JSON.parse(readFileSync(endpointFile, 'utf8')) as { pid: number }).pid, pid, 'the same server');

    // Close the editor: the browser page and code-server with its extension host.
    await (await session!.workbench()).close();
    await session!.server.stop();
    const t0 = Date.now();
    await waitFor(() => !alive(pid), { timeoutMs: 120_000, what: `serve (pid ${pid}) to stop by itself` });
    console.log(`      emulator exited ${Date.now() - t0} ms after code-server stopped (idle time ${IDLE_SECONDS} s)`);
    assert.equal(existsSync(endpointFile), false, 'a graceful stop removes endpoint.json');
    const log = readFileSync(path.join(ws, '.localbatch', 'serve.log'), 'utf8');
    assert.match(log, new RegExp(`idle for ${IDLE_SECONDS} s .*stopping`));
  });
});
