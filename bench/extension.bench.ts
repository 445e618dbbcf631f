/**
 * The VS Code extension: VSIX size (packaged with `npm run package`) against a 5 MB budget, and
 * activation time in a real VS Code (code-server 4.100.3's extension host, as in the e2e tests):
 * the extension logs, with performance.now() in the extension host, how long activate() ran and when
 * it returned relative to the extension host's start. Each run opens a new window, so a new
 * extension host, on a workspace with definition files (the `workspaceContains` activation).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeServer } from '../test/e2e/support/code-server';
import { REPO_ROOT, missingPrerequisites } from '../test/e2e/support/env';
import { extensionVsix } from '../test/e2e/support/vsix';
import { waitFor } from '../test/e2e/support/wait';
import { Workbench } from '../test/e2e/support/workbench';
import type { Benchmark } from './benchmark';
import { median } from './timing';

const BUDGET_BYTES = 5 * 1024 * 1024;
const RUNS = 3;
const LINE = /activated in ([\d.]+) ms \(bundle loaded ([\d.]+) ms, activate\(\) returned ([\d.]+) ms after the extension host started\)/;

interface Activation { activateMs: number; loadedMs: number; returnedMs: number }

function logFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...logFiles(p));
    else if (/LocalBatch\.log$/.test(entry.name)) out.push(p);
  }
  return out;
}

/** Every activation line the extension logged under the server's data directory. */
function activations(dataDir: string): Activation[] {
  return logFiles(dataDir).flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((l) => {
    const m = LINE.exec(l);
    return m ? [{ activateMs: Number(m[1]), loadedMs: Number(m[2]), returnedMs: Number(m[3]) }] : [];
  }));
}

function vsixSize(): string[] {
  const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run package failed:\n${r.stdout}\n${r.stderr}`);
  const file = extensionVsix();
  const bytes = statSync(file).size;
  const list = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith('extension/'));
  return [`extension: VSIX ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes, ${list.length} files): ${(100 * bytes / BUDGET_BYTES).toFixed(0)}% of the 5 MB budget`];
}

async function activationTime(): Promise<string[]> {
  const missing = missingPrerequisites();
  if (missing.length) return [`extension: activation time skipped: ${missing.join(', ')}`];
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'localbatch-bench-ws-'));
  cpSync(path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
  const server = await CodeServer.start({ name: 'bench-activation', vsix: [extensionVsix()] });
  try {
    for (let i = 1; i <= RUNS; i++) {
      const wb = await Workbench.open(server, workspace, 'bench-activation');
      try {
        if (i === 1) await wb.answerTrustDialog('trust');
        await waitFor(() => activations(server.dataDir).length >= i, { timeoutMs: 120_000, intervalMs: 200, what: `activation ${i} in the log` });
      } finally {
        await wb.close();
      }
    }
    const runs = activations(server.dataDir);
    const med = (f: (a: Activation) => number) => median(runs.map(f).sort((a, b) => a - b)).toFixed(1);
    return [
      `extension: activation in code-server (VS Code 1.100.3), ${runs.length} runs, medians: activate() ${med((a) => a.activateMs)} ms; `
        + `bundle loaded ${med((a) => a.loadedMs)} ms and activate() returned ${med((a) => a.returnedMs)} ms after the extension host started`,
      `extension: activate() per run (ms): ${runs.map((a) => a.activateMs.toFixed(1)).join(', ')}`,
    ];
  } finally {
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

export const extensionBench: Benchmark = {
  name: 'extension',
  async run() {
    return [...vsixSize(), ...(await activationTime())];
  },
};
