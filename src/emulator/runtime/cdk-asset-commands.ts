/**
 * CDK container image assets that the Docker Engine API alone cannot make (see cdk-asset-images.ts):
 * - `executable` sources (e.g. `ContainerImage.fromTarball`, or a synthesizer asset with a command):
 *   the command runs in cdk.out, as `cdk-assets` runs it, and its last printed line names the image;
 * - builds that need BuildKit (`dockerBuildSecrets`, `dockerBuildSsh`, `dockerBuildContexts`): built
 *   with the `docker` CLI's `docker buildx build --load`, in the asset's directory (secrets' `src=` are
 *   relative to it, as with `cdk-assets`). `CDK_DOCKER` names another docker CLI, as for the CDK.
 * These run programs the cloud assembly names: callers run them only for a trusted workspace (the CLI
 * is; the editor's Run checks workspace trust first).
 */
import { spawn } from 'node:child_process';
import type { ContainerAssetSource } from '../../model/iac/cdk-assets';

/** The docker CLI to run: `CDK_DOCKER` as the CDK uses it, else `docker` on PATH. */
export function dockerCli(env: NodeJS.ProcessEnv = process.env): string {
  return env.CDK_DOCKER || 'docker';
}

/** The source options only BuildKit handles, by their assets.json names; empty when the Engine API can build it. */
export function buildKitOptions(source: ContainerAssetSource): string[] {
  const out: string[] = [];
  if (source.dockerBuildSecrets && Object.keys(source.dockerBuildSecrets).length > 0) out.push('dockerBuildSecrets');
  if (source.dockerBuildSsh) out.push('dockerBuildSsh');
  if (source.dockerBuildContexts && Object.keys(source.dockerBuildContexts).length > 0) out.push('dockerBuildContexts');
  return out;
}

/** `docker buildx build` arguments for a directory asset, run with the asset's directory as cwd. */
export function buildxArgs(source: ContainerAssetSource, image: string, labels: Readonly<Record<string, string>>): string[] {
  const args = ['buildx', 'build', '--load', '--tag', image];
  for (const [k, v] of Object.entries(labels)) args.push('--label', `${k}=${v}`);
  if (source.dockerFile) args.push('--file', source.dockerFile);
  if (source.dockerBuildTarget) args.push('--target', source.dockerBuildTarget);
  for (const [k, v] of Object.entries(source.dockerBuildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(source.dockerBuildContexts ?? {})) args.push('--build-context', `${k}=${v}`);
  for (const [k, v] of Object.entries(source.dockerBuildSecrets ?? {})) args.push('--secret', `id=${k},${v}`);
  if (source.dockerBuildSsh) args.push('--ssh', source.dockerBuildSsh);
  if (source.platform) args.push('--platform', source.platform);
  if (source.networkMode) args.push('--network', source.networkMode);
  args.push('.');
  return args;
}

/** The image name an executable printed: its last non-empty line of standard output. */
export function printedImageName(stdout: string): string | undefined {
  const lines = stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return lines.at(-1);
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  /** The last lines of standard error, for the error message. */
  readonly stderrTail: string;
  /** Set when the program could not be started at all (ENOENT: not on PATH). */
  readonly startError?: NodeJS.ErrnoException;
}

/** Runs a program without a shell; every output line also goes to `onLine`. */
export function runCommand(argv: readonly string[], cwd: string, onLine: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const flushers: Array<() => void> = [];
    const lines = (sink: (s: string) => void) => {
      let rest = '';
      flushers.push(() => {
        if (rest.trim() !== '') onLine(rest);
        rest = '';
      });
      return (text: string) => {
        sink(text);
        const parts = (rest + text).split(/\r?\n/);
        rest = parts.pop() ?? '';
        for (const p of parts) if (p.trim() !== '') onLine(p);
      };
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', lines((s) => (stdout += s)));
    child.stderr.on('data', lines((s) => (stderr = (stderr + s).slice(-4000))));
    child.once('error', (err: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderrTail: stderr, startError: err }));
    child.once('close', (code) => {
      for (const flush of flushers) flush();
      resolve({ code, stdout, stderrTail: stderr.trim().split('\n').slice(-10).join('\n') });
    });
  });
}

const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** A command line as a user would type it, for messages. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}
