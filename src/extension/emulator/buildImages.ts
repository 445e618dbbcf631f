/**
 * Before a local run from the editor: the images localbatch.yaml lists under `images:` are built by
 * the bundled CLI (`localbatch images build`, run with VS Code's own runtime like `serve`), which
 * pulls their base images or seeds busybox:latest offline. Output goes to the LocalBatch channel;
 * a failure stops the run with the CLI's message. The same runs `localbatch images cdk-assets` for a
 * CDK template whose job definitions use container image assets (built from cdk.out, tagged by the
 * definitions' image names so the editor's emulator finds them).
 */
import { spawn } from 'node:child_process';
import type * as vscode from 'vscode';
import { RUNNER } from './serveProcess';

export function buildImagesWithCli(cliPath: string, folder: string, log: vscode.LogOutputChannel, args: readonly string[] = ['build', folder]): Promise<void> {
  log.info(`building images: localbatch images ${args.join(' ')}`);
  const child = spawn(process.execPath, ['-e', RUNNER, '--', 'images', ...args], {
    cwd: folder,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', LOCALBATCH_CLI: cliPath, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  const forward = (chunk: Buffer, isErr: boolean) => {
    const text = chunk.toString('utf8');
    if (isErr) errors = (errors + text).slice(-4000);
    for (const line of text.split(/\r?\n/)) if (line.trim()) log.info(`[images] ${line}`);
  };
  child.stdout.on('data', (c: Buffer) => forward(c, false));
  child.stderr.on('data', (c: Buffer) => forward(c, true));
  return new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) return resolve();
      const last = errors.split(/\r?\n/).filter((l) => l.trim()).pop() ?? `exit code ${code}`;
      reject(new Error(last.replace(/^localbatch images: /, '')));
    });
  });
}
