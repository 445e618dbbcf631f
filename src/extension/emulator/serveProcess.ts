/**
 * Runs `localbatch serve` with VS Code's own runtime (`process.execPath` + ELECTRON_RUN_AS_NODE=1)
 * and the bundled CLI (`dist/cli.js`, shipped in the VSIX), as a detached process (its own process
 * group) with its output in `<state>/serve.log`: it outlives a window reload or the extension host,
 * and the next activation finds it again through `<state>/endpoint.json`. It stops by itself once no
 * window has held its event stream and no job has run for `localbatch.emulator.idleShutdownMinutes`
 * (`--idle-shutdown`; see emulator/idle-shutdown.ts), so closing the editor does not leave it forever.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ensureStateDir } from '../../emulator/store/state-dir';

/** dist/cli.js exports `main(argv)`; this runs it the way bin/localbatch.js does. */
export const RUNNER = "const {main}=require(process.env.LOCALBATCH_CLI);main(process.argv.slice(1)).then(c=>{process.exitCode=c},e=>{console.error(e);process.exitCode=1})";

export const SERVE_LOG_FILE = 'serve.log';

export interface ServeOptions {
  readonly cliPath: string;
  readonly stateDir: string;
  readonly port: number;
  /** `--idle-shutdown`: seconds idle (no window attached, no job, no request) before it stops by itself; 0: never. */
  readonly idleShutdownSeconds: number;
  readonly cwd: string | undefined;
  readonly log: vscode.LogOutputChannel;
}

export function serveLogPath(stateDir: string): string {
  return path.join(stateDir, SERVE_LOG_FILE);
}

/** The arguments of the background `localbatch serve` (after the runner). */
export function serveArgs(o: Pick<ServeOptions, 'stateDir' | 'port' | 'idleShutdownSeconds'>): string[] {
  return ['serve', '--state-dir', o.stateDir, '--port', String(o.port), '--idle-shutdown', String(o.idleShutdownSeconds)];
}

export function spawnServe(o: ServeOptions): ChildProcess {
  const args = ['-e', RUNNER, ...serveArgs(o)];
  // The log lives in the state directory: create it as the server would.
  ensureStateDir(o.stateDir);
  const logFile = serveLogPath(o.stateDir);
  o.log.info(`starting: localbatch ${serveArgs(o).join(' ')} (output in ${logFile})`);
  const fd = openSync(logFile, 'a', 0o600);
  try {
    const child = spawn(process.execPath, args, {
      cwd: o.cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', LOCALBATCH_CLI: o.cliPath },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** The last non-empty lines the server wrote to its log from `offset` on (for error messages). */
export function serveLogTail(stateDir: string, offset: number, lines = 1): string[] {
  try {
    const text = readFileSync(serveLogPath(stateDir), 'utf8').slice(offset);
    return text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(-lines);
  } catch {
    return [];
  }
}

/** Current size of the log (where this start's output begins). */
export function serveLogSize(stateDir: string): number {
  try {
    return statSync(serveLogPath(stateDir)).size;
  } catch {
    return 0;
  }
}
