/**
 * Runs `localbatch serve` as a child of the extension host, with VS Code's own runtime
 * (`process.execPath` + ELECTRON_RUN_AS_NODE=1) and the bundled CLI (`dist/cli.js`, shipped in the VSIX).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type * as vscode from 'vscode';

/** dist/cli.js exports `main(argv)`; this runs it the way bin/localbatch.js does. */
export const RUNNER = "const {main}=require(process.env.LOCALBATCH_CLI);main(process.argv.slice(1)).then(c=>{process.exitCode=c},e=>{console.error(e);process.exitCode=1})";

export interface ServeOptions {
  readonly cliPath: string;
  readonly stateDir: string;
  readonly port: number;
  readonly cwd: string | undefined;
  readonly log: vscode.LogOutputChannel;
}

export function spawnServe(o: ServeOptions): ChildProcess {
  const args = ['-e', RUNNER, 'serve', '--state-dir', o.stateDir, '--port', String(o.port)];
  o.log.info(`starting: localbatch serve --state-dir ${o.stateDir} --port ${o.port}`);
  const child = spawn(process.execPath, args, {
    cwd: o.cwd,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', LOCALBATCH_CLI: o.cliPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (level: 'info' | 'warn') => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) if (line.trim()) o.log[level](`[serve] ${line}`);
  };
  child.stdout?.on('data', forward('info'));
  child.stderr?.on('data', forward('warn'));
  return child;
}
