/**
 * `localbatch serve` as a real child process, for tests that kill it: the CLI is bundled once with
 * esbuild (as `npm run build` does) into a temp file so each restart takes well under a second of
 * start-up instead of compiling TypeScript again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { readEndpoint, type EmulatorEndpoint } from '../../src/client/endpoint';
import { checkHealth } from '../../src/client/signed-http';

const ROOT = path.resolve(__dirname, '../..');
let bundled: Promise<string> | undefined;

/** dist-like bundle of src/cli/main.ts in a temp folder (built once per test process). */
export function bundledCli(): Promise<string> {
  bundled ??= (async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'localbatch-cli-')), 'cli.js');
    await build({ entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], external: ['cpu-features', '*.node'], logLevel: 'error' });
    return out;
  })();
  return bundled;
}

export interface ServeChild {
  readonly child: ChildProcess;
  readonly exit: Promise<number | null>;
  output(): string;
}

/**
 * Starts `localbatch serve ARGS` in `cwd` and resolves once its endpoint answers health. Without a
 * `--port` in ARGS it listens on a free port (`--port 0`), never serve's default 8747: an emulator
 * the developer runs while the tests do (the editor's, or one in a terminal) has that one.
 */
export async function startServe(args: string[], cwd: string, stateDir: string, timeoutMs = 60_000): Promise<ServeChild & { endpoint: EmulatorEndpoint }> {
  if (!args.includes('--port')) args = [...args, '--port', '0'];
  const cli = await bundledCli();
  const runner = `require(${JSON.stringify(cli)}).main(process.argv.slice(1)).then((c)=>{process.exitCode=c},(e)=>{console.error(e);process.exitCode=1})`;
  const child = spawn(process.execPath, ['-e', runner, 'serve', '--state-dir', stateDir, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exited = false;
  void exit.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`localbatch serve exited before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`localbatch serve did not answer within ${timeoutMs} ms:\n${out}`);
    }
    if (existsSync(path.join(stateDir, 'endpoint.json'))) {
      const endpoint = await readEndpoint(stateDir).catch(() => undefined);
      if (endpoint && endpoint.pid === child.pid && (await checkHealth(endpoint, 2000).catch(() => undefined))?.ok) return { child, exit, output: () => out, endpoint };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGKILLs the server and waits for it to be gone. */
export async function killServe(s: ServeChild): Promise<void> {
  s.child.kill('SIGKILL');
  await s.exit;
}

/** Runs another CLI command (e.g. `stop`) to its end. */
export async function runCli(args: string[], cwd: string, timeoutMs = 90_000): Promise<{ code: number | null; output: string }> {
  const cli = await bundledCli();
  const runner = `require(${JSON.stringify(cli)}).main(process.argv.slice(1)).then((c)=>{process.exitCode=c},(e)=>{console.error(e);process.exitCode=1})`;
  const child = spawn(process.execPath, ['-e', runner, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}
