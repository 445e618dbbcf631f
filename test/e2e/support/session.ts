/**
 * One real-VS-Code session for a test file: a fresh copy of a fixture workspace, code-server with the
 * given VSIXs installed, and Chromium showing the workbench. dispose() tears everything down.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeServer, type CodeServerOptions } from './code-server';
import { REPO_ROOT } from './env';
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
    for (const step of [() => this.wb?.close(), () => this.server.stop(), () => rmSync(this.workspace, { recursive: true, force: true })]) {
      try { await step(); } catch (err) { errors.push(err); }
    }
    if (errors.length) throw errors[0];
  }
}
