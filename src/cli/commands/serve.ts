/**
 * `localbatch serve [--port P] [--state-dir DIR] [--runtime docker|scripted]`: the local AWS Batch
 * emulator (Batch API, CloudWatch Logs, live events) on 127.0.0.1 until SIGINT/SIGTERM.
 * `DIR/endpoint.json` ({url, pid, version, port}, mode 0600) announces it while it listens.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ENDPOINT_FILE, readEndpoint } from '../../client/endpoint';
import { checkHealth } from '../../client/signed-http';
import { credentialsPath, loadOrCreateCredentials, startApiServer, type ApiServer } from '../../emulator/api';
import { batchHandlers } from '../../emulator/api/batch';
import { systemClock } from '../../emulator/core/clock';
import { EmulatorHost } from '../../emulator/host';
import { checkDocker, dockerMessage } from '../../emulator/runtime/docker';
import { ScriptedRuntime } from '../../emulator/runtime/scripted';
import { DEFAULT_STATE_DIR_NAME } from '../../emulator/store/state-dir';
import { DEFAULT_EMULATOR_PORT } from '../../model/types';
import { VERSION } from '../../version';
import { CliError } from '../errors';
import type { CliCommand } from './index';

const HELP = `Usage: localbatch serve [--port P] [--state-dir DIR] [--runtime docker|scripted]

Runs the local AWS Batch emulator on 127.0.0.1: the AWS Batch API, CloudWatch Logs for
/aws/batch/job and live job events, all signed with the key in DIR/credentials (profile
localbatch). A compute environment and a job queue named "local" are ready at start.

Options:
  --port P              port to listen on (default ${DEFAULT_EMULATOR_PORT}; 0 picks a free one)
  --state-dir DIR       jobs, logs and credentials (default ${DEFAULT_STATE_DIR_NAME} in the current folder)
  --runtime R           docker (default): each attempt in a container; scripted: containers are
                        simulated (no Docker; for tests and benchmarks)
  -h, --help            show this help

Stops cleanly on Ctrl-C (SIGINT) or SIGTERM: unfinished jobs are terminated and state is saved.`;

interface ServeOptions {
  readonly port: number;
  readonly stateDir: string;
  readonly runtime: 'docker' | 'scripted';
}

function parse(args: string[]): ServeOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      options: { port: { type: 'string' }, 'state-dir': { type: 'string' }, runtime: { type: 'string', default: 'docker' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new CliError(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`, 2);
  }
  if (parsed.values.help) {
    console.log(HELP);
    return undefined;
  }
  const portText = parsed.values.port ?? String(DEFAULT_EMULATOR_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new CliError(`--port must be a port number (0-65535), not '${portText}'`, 2);
  const runtime = parsed.values.runtime;
  if (runtime !== 'docker' && runtime !== 'scripted') throw new CliError(`--runtime must be docker or scripted, not '${runtime}'`, 2);
  return { port, stateDir: path.resolve(parsed.values['state-dir'] ?? DEFAULT_STATE_DIR_NAME), runtime };
}

/** Refuses to start over a live server of the same state dir; removes a stale endpoint.json. */
async function refuseIfRunning(stateDir: string): Promise<void> {
  const file = path.join(stateDir, ENDPOINT_FILE);
  if (!existsSync(file)) return;
  const endpoint = await readEndpoint(stateDir).catch(() => undefined);
  if (endpoint) {
    const health = await checkHealth(endpoint, 2000).catch(() => undefined);
    if (health?.ok) {
      throw new CliError(`an emulator is already serving ${stateDir} at ${endpoint.url} (pid ${endpoint.pid ?? '?'}); stop it first or use another --state-dir`, 1);
    }
  }
  rmSync(file, { force: true });
}

/** Docker's state for the health endpoint, checked at most every 5 s. */
function dockerHealth(host: EmulatorHost): () => Promise<{ docker: string }> {
  let cached: { at: number; value: string } | undefined;
  return async () => {
    if (!host.docker) return { docker: 'not used (scripted runtime)' };
    if (!cached || Date.now() - cached.at > 5000) {
      const value = await checkDocker(host.docker, 2000).then(
        () => 'ok',
        (err: unknown) => dockerMessage(err),
      );
      cached = { at: Date.now(), value };
    }
    return { docker: cached.value };
  };
}

function writeEndpoint(file: string, server: ApiServer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ url: server.url, pid: process.pid, version: VERSION, port: server.port }, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** Removes endpoint.json if it is still this process's. */
function removeEndpoint(file: string): void {
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid === process.pid) rmSync(file, { force: true });
  } catch {
    // already gone or not ours
  }
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      // A second signal while shutting down stops at once.
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the local AWS Batch emulator (Batch API, CloudWatch Logs, live events) on 127.0.0.1',
  async run(args: string[]): Promise<number> {
    const opts = parse(args);
    if (!opts) return 0;
    await refuseIfRunning(opts.stateDir);
    let host: EmulatorHost;
    try {
      host = await EmulatorHost.start({
        stateDir: opts.stateDir,
        runtime: opts.runtime === 'scripted' ? (logs) => new ScriptedRuntime({ clock: systemClock(), logs, record: false }) : undefined,
      });
    } catch (err) {
      throw new CliError(err instanceof Error ? err.message : String(err), 1);
    }
    const { region, account } = host.engine.partition;
    let server: ApiServer;
    try {
      server = await startApiServer({
        port: opts.port,
        credentials: loadOrCreateCredentials(host.stateDir, region),
        batch: batchHandlers(host.engine),
        logs: host.logs,
        events: host.engine,
        accountId: account,
        region,
        version: VERSION,
        health: dockerHealth(host),
      });
    } catch (err) {
      await host.close('localbatch emulator failed to start', 5000);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError(`port ${opts.port} is already in use; pick another with --port (0 picks a free one)`, 1);
      throw err;
    }
    const endpointFile = path.join(host.stateDir, ENDPOINT_FILE);
    const signal = nextSignal();
    const onExit = () => removeEndpoint(endpointFile);
    process.on('exit', onExit);
    writeEndpoint(endpointFile, server);
    console.log(
      `localbatch serve: AWS Batch on ${server.url} (state ${host.stateDir}; Ctrl-C stops). Try: ` +
        `AWS_SHARED_CREDENTIALS_FILE=${credentialsPath(host.stateDir)} aws --profile localbatch --endpoint-url ${server.url} batch describe-job-queues`,
    );
    const got = await signal;
    console.log(`localbatch serve: ${got}: stopping (terminating unfinished jobs, saving state)`);
    removeEndpoint(endpointFile);
    await server.close();
    await host.close();
    process.off('exit', onExit);
    return 0;
  },
};
