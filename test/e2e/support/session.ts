/**
 * One real-VS-Code session for a test file: a fresh copy of a fixture workspace, code-server with the
 * given VSIXs installed, and Chromium showing the workbench. dispose() tears everything down.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dockerForTests } from '../../support/docker';
import { CodeServer, type CodeServerOptions } from './code-server';
import { REPO_ROOT, requireRealVsCode } from './env';
import { extensionVsix } from './vsix';
import { Workbench } from './workbench';

export interface SessionOptions extends CodeServerOptions {
  /** Fixture under test/e2e/fixtures to copy as the workspace (default "workspace"). */
  fixture?: string;
}

export class Session {
  private constructor(readonly workspace: string, readonly server: CodeServer, private wb: Workbench | undefined) {}

  static async start(opts: SessionOptions): Promise<Session> {
    const workspace = mkdtempSync(path.join(os.tmpdir(), `localbatch-ws-${opts.name}-`));
    cpSync(path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', opts.fixture ?? 'workspace'), workspace, { recursive: true });
    let server: CodeServer;
    try {
      server = await CodeServer.start(opts);
    } catch (err) {
      rmSync(workspace, { recursive: true, force: true });
      throw err;
    }
    return new Session(workspace, server, undefined);
  }

  /** Opens the workspace in Chromium (once). */
  async workbench(): Promise<Workbench> {
    this.wb ??= await Workbench.open(this.server, this.workspace, this.server.logFile.replace(/^.*\/|-code-server\.log$/g, ''));
    return this.wb;
  }

  async dispose(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of [() => this.wb?.close(), () => this.stopEmulator(), () => this.server.stop(), () => rmSync(this.workspace, { recursive: true, force: true })]) {
      try { await step(); } catch (err) { errors.push(err); }
    }
    if (errors.length) throw errors[0];
  }

  /** The extension's emulator outlives the window (detached): stop one still serving the workspace. */
  private async stopEmulator(): Promise<void> {
    let pid: number | undefined;
    try {
      pid = (JSON.parse(readFileSync(path.join(this.workspace, '.localbatch', 'endpoint.json'), 'utf8')) as { pid?: number }).pid;
    } catch {
      return;
    }
    if (!pid) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGKILL');
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * For a suite's `before` hook: a Session with the packaged extension installed and its emulator on an
 * ephemeral port. Skips (or, under CI, fails) when real VS Code, or Docker with `docker: true`, is missing.
 */
export async function extensionSession(
  ctx: Mocha.Context,
  opts: { name: string; fixture?: string; docker?: boolean; machineSettings?: Record<string, unknown> },
): Promise<Session> {
  requireRealVsCode(ctx);
  if (opts.docker) await dockerForTests(ctx);
  return Session.start({ name: opts.name, fixture: opts.fixture, vsix: [extensionVsix()], machineSettings: { 'localbatch.emulator.port': 0, ...opts.machineSettings } });
}
