/**
 * A real VS Code for tests: the VS Code server inside code-server 4.100.3, with packaged VSIXs
 * installed into a private extensions directory. Runs as its own process group so that stop() ends
 * the server, its extension host and pty host together.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, type Dirent, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVER_MAIN, resultsPath } from './env';
import { waitFor } from './wait';

export interface CodeServerOptions {
  /** Short name for logs (test-results/<name>-code-server.log). */
  name: string;
  /** VSIX files to install before the server starts. */
  vsix: string[];
  /** Extra environment for the server and so for its extension host. */
  env?: Record<string, string>;
  /** Settings written to the server's machine settings. */
  machineSettings?: Record<string, unknown>;
}

const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function httpStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.setTimeout(2000, () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** Live (non-zombie) members of a process group, from /proc (zombies are reaped by init later). */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(entry));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

const groupAlive = (pgid: number): boolean => groupMembers(pgid).length > 0;

/**
 * Process groups of running servers. They are detached (own groups), so they would outlive a test
 * run that is interrupted before its after() hooks: kill them when this process exits or is signalled.
 */
const liveGroups = new Set<number>();
function killLiveGroups(): void {
  for (const pgid of liveGroups) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
  }
  liveGroups.clear();
}
process.once('exit', killLiveGroups);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.once(signal, () => {
    killLiveGroups();
    process.exit(code);
  });
}

export class CodeServer {
  private exited = false;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    readonly extensionsDir: string,
    readonly installed: string[],
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  /** Installs the VSIXs, starts the server on a free loopback port and waits until it answers. */
  static async start(opts: CodeServerOptions): Promise<CodeServer> {
    const root = mkdtempSync(path.join(os.tmpdir(), `localbatch-e2e-${opts.name}-`));
    const dataDir = path.join(root, 'server-data');
    const extensionsDir = path.join(root, 'extensions');
    mkdirSync(path.join(dataDir, 'data', 'Machine'), { recursive: true });
    writeFileSync(path.join(dataDir, 'data', 'Machine', 'settings.json'),
      JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.machineSettings }, null, 2));
    const base = [SERVER_MAIN, '--server-data-dir', dataDir, '--extensions-dir', extensionsDir];

    const install = spawnSync(process.execPath, [...base, ...opts.vsix.flatMap((v) => ['--install-extension', v]), '--force'],
      { encoding: 'utf8', timeout: 120_000 });
    if (install.status !== 0) {
      throw new Error(`installing ${opts.vsix.join(', ')} failed (${install.status ?? install.signal}):\n${install.stdout}\n${install.stderr}`);
    }
    const list = spawnSync(process.execPath, [...base, '--list-extensions', '--show-versions'], { encoding: 'utf8', timeout: 60_000 });
    const installed = list.stdout.split('\n').map((l) => l.trim()).filter((l) => /^[\w-]+\.[\w-]+@/.test(l));

    const port = await freePort();
    const logFile = resultsPath(`${opts.name}-code-server.log`);
    const fd = openSync(logFile, 'w');
    const child = spawn(process.execPath, [...base, '--host', '127.0.0.1', '--port', String(port),
      '--without-connection-token', '--accept-server-license-terms'], {
      detached: true, // its own process group: stop() signals the whole tree
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...opts.env },
    });
    closeSync(fd);
    if (child.pid !== undefined) liveGroups.add(child.pid);
    const server = new CodeServer(port, dataDir, extensionsDir, installed, logFile, child);
    try {
      await waitFor(async () => {
        if (server.exited) throw new Error(`code-server exited early, see ${logFile}`);
        return (await httpStatus(`${server.baseUrl}/`)) === 200;
      }, { timeoutMs: 60_000, intervalMs: 250, what: `code-server on port ${port}` });
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The workbench URL that opens `folder` as the workspace. */
  folderUrl(folder: string): string {
    return `${this.baseUrl}/?folder=${encodeURIComponent(folder)}`;
  }

  /** The lines of the server's own logs (its extension hosts' among them) that match `pattern`. */
  logLines(pattern: RegExp): string[] {
    const out: string[] = [];
    const walk = (dir: string): void => {
      let entries: Dirent[];
      try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.log')) out.push(...readFileSync(p, 'utf8').split('\n').filter((l) => pattern.test(l)));
      }
    };
    walk(this.dataDir);
    return out;
  }

  /** Ends the server with its extension host and pty host; SIGKILL after 10 s; removes its dirs. */
  async stop(): Promise<void> {
    const pgid = this.child.pid;
    if (pgid !== undefined && groupAlive(pgid)) {
      try { process.kill(-pgid, 'SIGTERM'); } catch { /* already gone */ }
      try {
        await waitFor(() => !groupAlive(pgid), { timeoutMs: 10_000, what: 'code-server to exit' });
      } catch {
        try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
        await waitFor(() => !groupAlive(pgid), { timeoutMs: 5_000, what: 'code-server to die' });
      }
    }
    if (pgid !== undefined) liveGroups.delete(pgid);
    rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
  }
}
