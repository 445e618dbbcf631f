/**
 * `localbatch stop [--terminate-all] [--state-dir DIR]`: stops the `localbatch serve` of a state
 * directory (SIGTERM to the pid in endpoint.json) and waits until it is gone. Jobs are kept: queued
 * ones stay queued, running containers go on, and the next start re-attaches them. With
 * --terminate-all, every unfinished job is terminated first (through the API) and the command waits
 * for them to end before stopping the server.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ENDPOINT_FILE, readEndpoint } from '../../client/endpoint';
import { terminateAllJobs, unfinishedJobIds } from '../../client/terminate-all';
import { DEFAULT_STATE_DIR_NAME } from '../../emulator/store/state-dir';
import { findWorkspaceRoot } from '../../node/load-workspace';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import { attach, clientsFor } from '../run/session';
import type { CliCommand } from './index';
import { processAlive } from '../../client/serve-lock';

const HELP = `Usage: localbatch stop [--terminate-all] [--state-dir DIR]

Stops the local emulator serving DIR. Nothing is failed: queued jobs stay queued and running
containers keep running; the next \`localbatch serve\` (or run) on DIR re-attaches them.

Options:
  --terminate-all   first terminate every unfinished job (running containers get SIGTERM, then
                    SIGKILL after 30 s) and wait for them to end
  --state-dir DIR   emulator state: default .localbatch in the workspace root
  -h, --help        show this help`;

const TERMINATE_WAIT_MS = 45_000;
const EXIT_WAIT_MS = 60_000;

export const stopCommand: CliCommand = {
  name: 'stop',
  summary: 'stop the local emulator (jobs kept for the next start; --terminate-all terminates them)',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs({ args, options: { 'terminate-all': { type: 'boolean' }, 'state-dir': { type: 'string' }, ...HELP_OPTION } }, HELP);
    if (!parsed) return 0;
    const stateDir = path.resolve(parsed.values['state-dir'] ?? path.join(findWorkspaceRoot(process.cwd()) ?? process.cwd(), DEFAULT_STATE_DIR_NAME));
    const endpoint = await attach(stateDir);
    if (!endpoint) throw new CliError(await notRunning(stateDir), 1);
    if (!endpoint.pid) throw new CliError(`the emulator at ${endpoint.url} did not say its process id; stop it where it runs`, 1);
    if (endpoint.owner === 'run') {
      // Its SIGTERM would interrupt that run (its jobs terminated), not just stop an emulator.
      throw new CliError(`the emulator of ${stateDir} is a localbatch run's own (pid ${endpoint.pid}): it stops when that run ends; to end the run early, press Ctrl-C where it runs (its jobs are terminated)`, 1);
    }
    if (parsed.values['terminate-all']) {
      const { batch } = clientsFor(endpoint);
      try {
        const n = await terminateAllJobs(batch);
        console.log(`localbatch stop: terminating ${n} unfinished job${n === 1 ? '' : 's'}…`);
        const deadline = Date.now() + TERMINATE_WAIT_MS;
        while (Date.now() < deadline && (await unfinishedJobIds(batch)).size > 0) await new Promise((r) => setTimeout(r, 250));
      } finally {
        batch.destroy();
      }
    }
    process.kill(endpoint.pid, 'SIGTERM');
    const deadline = Date.now() + EXIT_WAIT_MS;
    while (processAlive(endpoint.pid)) {
      if (Date.now() > deadline) throw new CliError(`the emulator (pid ${endpoint.pid}) is still running after ${EXIT_WAIT_MS / 1000} s`, 1);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`localbatch stop: stopped the emulator of ${stateDir} (pid ${endpoint.pid})`);
    return 0;
  },
};

/**
 * Why nothing answered. An endpoint.json whose process is gone is left by a server that was killed
 * (or lost power): it is removed, as the next start would. One whose process lives is left alone
 * (a server starting up or stuck, or the pid reused by another program: not ours to signal).
 */
async function notRunning(stateDir: string): Promise<string> {
  const file = path.join(stateDir, ENDPOINT_FILE);
  const text = readText(file);
  const left = await readEndpoint(stateDir).catch(() => undefined);
  if (!left) return `no emulator is running on ${stateDir}`;
  if (left.pid === undefined) return `no emulator answers at ${left.url} for ${stateDir}, and its ${ENDPOINT_FILE} names no process; if none runs, the next start replaces it`;
  if (processAlive(left.pid)) return `no emulator answers at ${left.url} for ${stateDir}, but its process ${left.pid} is alive: it may be starting or stuck; try again, or end that process`;
  // Removed only if no server wrote a new one meanwhile.
  if (readText(file) === text) rmSync(file, { force: true });
  return `no emulator is running on ${stateDir}: the last one (pid ${left.pid}) ended without stopping (killed?); its ${ENDPOINT_FILE} is removed. Jobs are kept: the next start re-attaches them`;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
