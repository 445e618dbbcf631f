/**
 * A local emulator served over the AWS Batch API: the host (engine, runtime, logs, state) behind
 * the signed HTTP server on 127.0.0.1, announced by `<state>/endpoint.json` while it listens.
 * `localbatch serve` runs one until stopped; `localbatch run` starts one for the length of a run
 * when none is running. Clients find it through endpoint.json and the credentials file.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENDPOINT_FILE, readEndpoint, type EmulatorEndpoint } from '../client/endpoint';
import { checkHealth } from '../client/signed-http';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from '../model/types';
import { VERSION } from '../version';
import { batchHandlers } from './batch/api';
import { loadOrCreateCredentials, startApiServer, type ApiServer } from './edge';
import type { BatchHandler, BatchHandlers } from './batch/api/routes';
import { EmulatorHost, type CloseOptions, type HostOptions } from './host';
import { localEvents, startPipelineServices, type PipelineServices } from './pipeline';
import { checkDocker, dockerMessage } from './runtime/docker';
import { ensureStateDir } from './store/state-dir';

export interface ServiceOptions extends HostOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Where request errors go (default: console.error). */
  readonly log?: (line: string) => void;
}

/** Thrown when another live emulator already serves the state directory. */
export class AlreadyServingError extends Error {}

export class LocalService {
  private closing: Promise<void> | undefined;
  private readonly onExit = () => this.removeEndpoint();

  private constructor(
    readonly host: EmulatorHost,
    readonly server: ApiServer,
    /** The same API where containers reach it (the container network's gateway), for driver jobs. */
    readonly containerServer: ApiServer | undefined,
    readonly endpoint: EmulatorEndpoint,
    private readonly endpointFile: string,
    /** EventBridge, Scheduler, SNS on the same endpoint. */
    readonly pipeline: PipelineServices,
  ) {
    process.on('exit', this.onExit);
  }

  static async start(options: ServiceOptions): Promise<LocalService> {
    const endpointFile = join(ensureStateDir(options.stateDir), ENDPOINT_FILE);
    await refuseIfServed(options.stateDir, endpointFile);
    const host = await EmulatorHost.start(options);
    const region = options.settings?.region ?? DEFAULT_REGION;
    let containerServer: ApiServer | undefined;
    let pipeline: PipelineServices | undefined;
    try {
      pipeline = await startPipelineServices(host, { accountId: options.settings?.accountId ?? DEFAULT_ACCOUNT_ID, region, persist: options.persist !== false, log: options.log ?? ((l) => console.error(l)) });
      const credentials = loadOrCreateCredentials(host.stateDir, region);
      const api = {
        credentials,
        batch: durableHandlers(batchHandlers(host.engine), () => host.committed()),
        logs: host.logs,
        // Job events and SNS notifications (the editor shows the latter as notifications).
        events: localEvents(host, pipeline),
        accountId: options.settings?.accountId ?? DEFAULT_ACCOUNT_ID,
        region,
        version: VERSION,
        log: options.log,
        health: dockerHealth(host),
        interrupt: (jobId: string) => host.engine.interruptJob(jobId),
        services: pipeline.edgeServices,
      };
      const server = await startApiServer({ ...api, port: options.port ?? 0 });
      pipeline.setEndpointUrl(server.url);
      const jobs = host.jobEnvironment;
      if (jobs.gateway) {
        // Jobs sign with the credentials the emulator handed them (see jobs-env/credentials.ts).
        containerServer = await startApiServer({ ...api, host: jobs.gateway as '169.254.170.2', port: 0, jobCredentials: (id) => jobs.lookupKey(id) });
        jobs.setApiUrl(containerServer.url);
      }
      const tmp = `${endpointFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ url: server.url, port: server.port, pid: process.pid, version: VERSION }, null, 2) + '\n', { mode: 0o600 });
      renameSync(tmp, endpointFile);
      return new LocalService(host, server, containerServer, { url: server.url, pid: process.pid, version: VERSION, region, credentials }, endpointFile, pipeline);
    } catch (err) {
      await containerServer?.close();
      await pipeline?.close();
      await host.close();
      throw err;
    }
  }

  /**
   * Stops serving and saves the state. Gracefully by default: queued jobs stay queued and running
   * containers keep running for the next start; `terminateAll` terminates them first. Idempotent.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= (async () => {
      this.removeEndpoint();
      process.off('exit', this.onExit);
      await this.server.close();
      await this.containerServer?.close();
      await this.pipeline.close();
      await this.host.close(options);
    })();
    return this.closing;
  }

  /** Removes endpoint.json if it is still this process's. */
  private removeEndpoint(): void {
    try {
      if ((JSON.parse(readFileSync(this.endpointFile, 'utf8')) as { pid?: unknown }).pid === process.pid) rmSync(this.endpointFile, { force: true });
    } catch {
      // already gone, or another process's
    }
  }
}

/** Operations that only read: their answers need not wait for the journal. */
const READ_ONLY = /^(Describe|List|Get)/;

/** Each changing operation answers only once its change is on disk (see store/durable-store.ts). */
export function durableHandlers(handlers: BatchHandlers, committed: () => Promise<void>): BatchHandlers {
  const out: BatchHandlers = {};
  for (const [op, handler] of Object.entries(handlers) as Array<[keyof BatchHandlers, BatchHandler]>) {
    out[op] = READ_ONLY.test(op)
      ? handler
      : async (input) => {
          const result = await handler(input);
          await committed();
          return result;
        };
  }
  return out;
}

/** Refuses to start over a live emulator of the same state directory; clears a stale endpoint.json. */
async function refuseIfServed(stateDir: string, endpointFile: string): Promise<void> {
  if (!existsSync(endpointFile)) return;
  const endpoint = await readEndpoint(stateDir).catch(() => undefined);
  const health = endpoint && (await checkHealth(endpoint, 2000).catch(() => undefined));
  if (endpoint && health?.ok) {
    throw new AlreadyServingError(`an emulator is already serving ${stateDir} at ${endpoint.url} (pid ${endpoint.pid ?? '?'}); stop it first or use another state directory`);
  }
  rmSync(endpointFile, { force: true });
}

/** Docker's state for the health answer, checked at most every 5 s. */
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
