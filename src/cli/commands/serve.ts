/**
 * `localbatch serve [--port P] [--state-dir DIR] [--runtime docker|scripted] [--terminate-all-on-exit]
 * [--idle-shutdown SECONDS]`: the local AWS Batch emulator (Batch, CloudWatch Logs, S3, EventBridge and
 * Scheduler, SNS, Step Functions, live events) on
 * 127.0.0.1 until SIGINT/SIGTERM, or until idle that long (see emulator/idle-shutdown.ts). `DIR/endpoint.json` ({url, pid, version, port}, mode 0600) announces it while it
 * listens. Stopping keeps jobs (queued stay queued, running containers go on and are re-attached by
 * the next start) unless --terminate-all-on-exit.
 */
import path from 'node:path';
import { credentialsPath } from '../../emulator/edge';
import { systemClock } from '../../emulator/clock/clock';
import { ScriptedRuntime } from '../../emulator/runtime/scripted';
import { AlreadyServingError, LocalService } from '../../emulator/service';
import { DEFAULT_STATE_DIR_NAME } from '../../emulator/store/state-dir';
import { DEFAULT_EMULATOR_PORT } from '../../model/types';
import { findWorkspaceRoot } from '../../node/load-workspace';
import { readSettings, SettingsError } from '../../node/settings';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import type { CliCommand } from './index';
import { loadWorkspacePipeline } from '../run/serve-templates';
import { watchTemplates, workspaceNames } from '../run/template-watch';

const HELP = `Usage: localbatch serve [--port P] [--state-dir DIR] [--runtime docker|scripted] [--terminate-all-on-exit]
                       [--idle-shutdown SECONDS]

Runs the local AWS Batch emulator on 127.0.0.1: the AWS Batch API, CloudWatch Logs for
/aws/batch/job, S3, EventBridge and EventBridge Scheduler, SNS, Step Functions and live job events,
all on one port and signed with the key in DIR/credentials (profile localbatch). A compute
environment and a job queue named "local" are ready at start.

Rules, schedules, SNS topics and subscriptions and buckets declared in the workspace's
CloudFormation/CDK/Terraform templates are loaded at start and stay live while it serves; when one
of those template files changes, or a template is added, they are loaded again (rules, schedules,
topics and subscriptions no longer declared are deleted; buckets stay, with their files).

Options:
  --port P              port to listen on (default: localbatch.yaml's port, else ${DEFAULT_EMULATOR_PORT}; 0 picks a free one)
  --state-dir DIR       jobs, logs and credentials (default ${DEFAULT_STATE_DIR_NAME} in the workspace root:
                        the nearest folder up from here holding localbatch.yaml, else this one)
  --runtime R           docker (default): each attempt in a container; scripted: containers are
                        simulated (no Docker; for tests and benchmarks)
  --terminate-all-on-exit
                        on stop, terminate every unfinished job and remove its container first
  --idle-shutdown S     stop by itself (gracefully, as on Ctrl-C) once for S seconds no client has held
                        the live event stream open (an editor window does while open), no job was
                        unfinished and no API request came (default 0: never). The VS Code
                        extension starts its emulator with this (localbatch.emulator.idleShutdownMinutes)
  -h, --help            show this help

Every change the API acknowledges is on disk (fsync) before the answer. Ctrl-C (SIGINT), SIGTERM
or \`localbatch stop\` stop it without failing anything: queued jobs stay queued and running
containers keep running; the next start on the same state directory re-attaches them. A second
signal stops at once (still without losing acknowledged work).`;

interface ServeOptions {
  readonly port?: number;
  readonly stateDir?: string;
  readonly runtime: 'docker' | 'scripted';
  readonly terminateAll: boolean;
  /** Seconds; 0 = never. */
  readonly idleShutdown: number;
}

function parse(args: string[]): ServeOptions | undefined {
  const parsed = parseCommandArgs({ args, options: { port: { type: 'string' }, 'state-dir': { type: 'string' }, runtime: { type: 'string', default: 'docker' }, 'terminate-all-on-exit': { type: 'boolean' }, 'idle-shutdown': { type: 'string' }, ...HELP_OPTION } }, HELP);
  if (!parsed) return undefined;
  const portText = parsed.values.port;
  const port = portText === undefined ? undefined : Number(portText);
  if (portText !== undefined && (!/^\d+$/.test(portText) || port! > 65535)) throw new CliError(`--port must be a port number (0-65535), not '${portText}'`, 2);
  const runtime = parsed.values.runtime;
  if (runtime !== 'docker' && runtime !== 'scripted') throw new CliError(`--runtime must be docker or scripted, not '${runtime}'`, 2);
  const idleText = parsed.values['idle-shutdown'];
  if (idleText !== undefined && !/^\d+(\.\d+)?$/.test(idleText)) throw new CliError(`--idle-shutdown must be a number of seconds (0: never), not '${idleText}'`, 2);
  return { port, stateDir: parsed.values['state-dir'], runtime, terminateAll: parsed.values['terminate-all-on-exit'] === true, idleShutdown: Number(idleText ?? 0) };
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
  summary: 'run the local AWS Batch emulator on 127.0.0.1 (Batch, Logs, S3, EventBridge, Scheduler, SNS, Step Functions)',
  async run(args: string[]): Promise<number> {
    const opts = parse(args);
    if (!opts) return 0;
    const root = findWorkspaceRoot(process.cwd()) ?? process.cwd();
    let settings;
    try {
      settings = readSettings(root);
    } catch (err) {
      if (err instanceof SettingsError) throw new CliError(err.message, 1);
      throw err;
    }
    const port = opts.port ?? settings?.port ?? DEFAULT_EMULATOR_PORT;
    let service: LocalService;
    try {
      service = await LocalService.start({
        stateDir: path.resolve(opts.stateDir ?? path.join(root, DEFAULT_STATE_DIR_NAME)),
        port,
        settings,
        workspaceRoot: root,
        runtime: opts.runtime === 'scripted' ? (logs) => new ScriptedRuntime({ clock: systemClock(), logs, record: false }) : undefined,
        idleShutdownMs: opts.idleShutdown * 1000,
      });
    } catch (err) {
      if (err instanceof AlreadyServingError) throw new CliError(err.message, 1);
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use; pick another with --port (0 picks a free one)`, 1);
      throw new CliError(err instanceof Error ? err.message : String(err), 1);
    }
    const signal = nextSignal();
    const { url } = service.server;
    const stateDir = service.host.stateDir;
    console.log(
      `localbatch serve: AWS Batch, Logs, S3, EventBridge, Scheduler, SNS and Step Functions on ${url} (state ${stateDir}; Ctrl-C stops). Try: ` +
        `AWS_SHARED_CREDENTIALS_FILE=${credentialsPath(stateDir)} aws --profile localbatch --endpoint-url ${url} batch describe-job-queues`,
    );
    const names = await workspaceNames(root).catch(() => undefined);
    const pipeline = await loadWorkspacePipeline(service.endpoint, service.host.stateDir, root, opts.runtime);
    const stopWatching = watchTemplates(root, pipeline, names, (previous, newFiles) => loadWorkspacePipeline(service.endpoint, service.host.stateDir, root, opts.runtime, previous, newFiles), (line) => console.error(line));
    const idle = service.idle.then(() => 'idle' as const);
    const got = await Promise.race([signal, idle]);
    stopWatching();
    console.log(
      got === 'idle'
        ? `localbatch serve: idle for ${opts.idleShutdown} s (no editor attached, no job unfinished, no request): stopping (state saved; the next start goes on from it)`
        : opts.terminateAll
        ? `localbatch serve: ${got}: stopping (terminating unfinished jobs, saving state)`
        : `localbatch serve: ${got}: stopping (jobs kept: queued ones stay queued, running containers go on; the next start re-attaches them)`,
    );
    await service.close({ terminateAll: opts.terminateAll, reason: 'localbatch serve stopped with --terminate-all-on-exit' });
    return 0;
  },
};
