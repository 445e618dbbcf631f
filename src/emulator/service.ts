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
import { requestShapeProblem } from './batch/api/request-shapes';
import { loadOrCreateCredentials, startApiServer, type ApiServer } from './edge';
import type { BatchHandler, BatchHandlers } from './batch/api/routes';
import { EmulatorHost, type CloseOptions, type HostOptions } from './host';
import { CountedEventSource, IdleShutdown } from './idle-shutdown';
import { localEvents, startPipelineServices, type PipelineServices } from './pipeline';
import { checkDocker, dockerMessage } from './runtime/docker';
import { acquireServeLock, SERVE_LOCK_FILE, StateDirLockedError, type ServeLock } from '../client/serve-lock';
import { ensureStateDir } from './store/state-dir';
import { systemClock } from './clock/clock';
import { S3Service } from './s3/service';
import { LocalTrainingS3 } from './training-s3';
import type { DeclaredBucket } from './s3/buckets';
import type { LocalSettingsFile } from '../model/types';
import { dirname, resolve } from 'node:path';
import { statesEdgeService, statesHandlers } from './states/api/handlers';
import type { StatesService } from './states/service';
import { createStatesService } from './states/wiring';
import { stsService } from './sts/api';
import { callerIdentity } from './sts/identity';
import { LocalAws } from './states/tasks/local-aws';
import { mockConfigProblems, type MockConfig } from './states/tasks/mocks';

export interface ServiceOptions extends HostOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Where request errors go (default: console.error). */
  readonly log?: (line: string) => void;
  /**
   * Stop by itself after this long with no client holding the event stream open, no unfinished job
   * and no API request (see idle-shutdown.ts): `idle` then resolves. Undefined or 0: never.
   */
  readonly idleShutdownMs?: number;
  /** `run`: a `localbatch run`'s own emulator (endpoint.json says so: other runs do not share it). */
  readonly owner?: 'run';
}

/** Thrown when another live emulator already serves (or is starting on) the state directory. */
export class AlreadyServingError extends Error {
  /** Printed as is by the CLI (no stack trace). */
  readonly userFacing = true;
  constructor(
    message: string,
    /** What holds the state directory: a serve (or shared run) answering, a run's own, one starting, or another host's. */
    readonly holder: 'serving' | 'run' | 'starting' | 'other-host' = 'serving',
  ) {
    super(message);
  }
}

export class LocalService {
  private closing: Promise<void> | undefined;
  private readonly onExit = () => {
    this.removeEndpoint();
    this.lock.release();
  };
  /** Resolves once the emulator has been idle for `idleShutdownMs` (never without it). */
  readonly idle: Promise<void>;

  private constructor(
    readonly host: EmulatorHost,
    readonly server: ApiServer,
    /** The same API where containers reach it (the container network's gateway), for driver jobs. */
    readonly containerServer: ApiServer | undefined,
    readonly endpoint: EmulatorEndpoint,
    private readonly endpointFile: string,
    /** The state directory's serve.lock, held until the journal is closed. */
    private readonly lock: ServeLock,
    private readonly idleWatch: IdleShutdown | undefined,
    idle: Promise<void>,
    /** The local S3 on the same endpoint; `s3.subscribe` gives its EventBridge events. */
    readonly s3: S3Service,
    /** Step Functions (src/emulator/states), on the same endpoint. */
    readonly states: StatesService,
    /** EventBridge, Scheduler, SNS on the same endpoint. */
    readonly pipeline: PipelineServices,
  ) {
    this.idle = idle;
    process.on('exit', this.onExit);
  }

  static async start(options: ServiceOptions): Promise<LocalService> {
    const endpointFile = join(ensureStateDir(options.stateDir), ENDPOINT_FILE);
    const lock = await takeServeLock(options.stateDir, endpointFile);
    const trainingS3 = new LocalTrainingS3();
    let host: EmulatorHost;
    try {
      await refuseIfServed(options.stateDir, endpointFile);
      // Training jobs' s3:// channels and outputs use the local S3's API once it listens (below).
      host = await EmulatorHost.start({ ...options, trainingS3 });
    } catch (err) {
      lock.release();
      throw err;
    }
    const region = options.settings?.region ?? DEFAULT_REGION;
    let containerServer: ApiServer | undefined;
    let idleWatch: IdleShutdown | undefined;
    let becameIdle: () => void = () => undefined;
    const idle = new Promise<void>((resolve) => (becameIdle = resolve));
    let states: StatesService | undefined;
    let pipeline: PipelineServices | undefined;
    try {
      const credentials = loadOrCreateCredentials(host.stateDir, region);
      const accountId = options.settings?.accountId ?? DEFAULT_ACCOUNT_ID;
      const batch = durableHandlers(batchHandlers(host.engine), () => host.committed());
      pipeline = await startPipelineServices(host, { accountId, region, persist: options.persist !== false, log: options.log ?? ((l) => console.error(l)) });
      // Job events and SNS notifications (the editor shows the latter), counted for idle shutdown.
      const events = new CountedEventSource(localEvents(host, pipeline));
      if (options.idleShutdownMs && options.idleShutdownMs > 0) {
        idleWatch = new IdleShutdown({ clock: systemClock(), idleMs: options.idleShutdownMs, probe: { attached: () => events.subscribers, busy: () => !host.engine.idle }, onIdle: () => becameIdle() });
      }
      // Notifications to SNS topics go through SNS's public publish, as EventBridge targets do.
      const sns = pipeline.sns;
      const topics = { exists: (arn: string) => sns.hasTopic(arn), publish: (arn: string, message: string, subject: string) => void sns.publish(arn, message, subject) };
      // The events' userIdentity names who the request's key is, as STS GetCallerIdentity does.
      const identity = (key: string) => callerIdentity(key, { account: accountId, region, job: host.jobEnvironment.sessionOfKey(key) });
      const s3 = new S3Service({ stateDir: host.stateDir, buckets: declaredBuckets(options.settings, options.workspaceRoot ?? dirname(host.stateDir)), accountId, region, topics, identity });
      // S3's Object Created/Deleted and CloudTrail-shaped events reach EventBridge's rules.
      const events$ = pipeline.events;
      s3.subscribe((e) => events$.publish(e));
      // S3 Files volumes mapped to `s3://bucket` in localbatch.yaml mount the bucket's folder.
      host.jobEnvironment.bucketFolder = (bucket) => s3.buckets().find((b) => b.name === bucket)?.dir;
      // Step Functions reaches Batch only through its API handlers and job events, and S3 and
      // EventBridge through their own HTTP APIs once the server listens (below).
      const localAws = new LocalAws();
      states = createStatesService({
        aws: localAws,
        clock: systemClock(),
        account: accountId,
        region,
        stateDir: options.persist === false ? undefined : host.stateDir,
        mocks: readMockConfig(process.env.SFN_MOCK_CONFIG),
        ...(options.log ? { log: options.log } : {}),
        // sns:publish tasks reach SNS through its public publish, as EventBridge targets do.
        sns: {
          publish: async (topicArn, message, subject) => {
            const id = pipeline!.sns.publish(topicArn, message, subject);
            await pipeline!.sns.committed();
            return id;
          },
        },
        batch: {
          check: requestShapeProblem,
          call: async (operation, input) => {
            const handler = batch[operation as keyof typeof batch];
            if (!handler) throw Object.assign(new Error(`AWS Batch has no operation ${operation}`), { name: 'ClientException' });
            return handler(input);
          },
          subscribe: (listener) => host.engine.subscribe((e) => listener({ jobId: e.detail.jobId ?? '', status: e.detail.status ?? '' })),
        },
      });
      // Rule and schedule targets start executions through Step Functions' own StartExecution.
      const sfnApi = statesHandlers(states);
      pipeline.setStartExecution(async (stateMachineArn, input, name) => {
        const out = (await sfnApi.StartExecution({ stateMachineArn, input, ...(name ? { name } : {}) })) as { executionArn: string };
        return out.executionArn;
      });
      // Every target is wired now: deliveries that waited for a retry when the server stopped go on.
      pipeline.resumeRetries();
      const api = {
        services: [s3, statesEdgeService(states), ...pipeline.edgeServices, stsService({ account: accountId, region, jobSession: (key) => host.jobEnvironment.sessionOfKey(key) })],
        credentials,
        batch: idleWatch ? touching(batch, idleWatch) : batch,
        logs: host.logs,
        // Job events and SNS notifications (the editor shows the latter as notifications), counted for idle shutdown.
        events,
        accountId,
        region,
        version: VERSION,
        log: options.log,
        health: dockerHealth(host),
        // The editor's Topics view: recent SNS messages (not exposed by SNS's own API).
        local: pipeline.localEndpoints,
        // Answered once the interruption is on disk (it is journaled before the kill).
        interrupt: async (jobId: string) => {
          const out = host.engine.interruptJob(jobId);
          await host.committed();
          return out;
        },
      };
      const server = await startApiServer({ ...api, port: options.port ?? 0 });
      pipeline.setEndpointUrl(server.url);
      trainingS3.connect({ url: server.url, region, credentials });
      localAws.connect({ url: server.url, region, credentials });
      const jobs = host.jobEnvironment;
      if (jobs.gateway) {
        // Jobs sign with the credentials the emulator handed them (see jobs-env/credentials.ts).
        // The editor's own endpoints (recent SNS messages) stay on 127.0.0.1: jobs have no use for them.
        // On the previous run's port when it is free: containers re-attached from it hold that URL.
        const onGateway = (port: number) => startApiServer({ ...api, local: undefined, host: jobs.gateway as '169.254.170.2', port, jobCredentials: (id) => jobs.lookupKey(id) });
        const previous = jobs.previousApiPort;
        containerServer = await (previous ? onGateway(previous) : onGateway(0)).catch((err: unknown) => {
          if (!previous) throw err;
          options.log?.(`localbatch: port ${previous} of the previous run's API for jobs is taken; jobs re-attached from it cannot reach the local AWS APIs`);
          return onGateway(0);
        });
        jobs.setApiUrl(containerServer.url);
      }
      const tmp = `${endpointFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ url: server.url, port: server.port, pid: process.pid, version: VERSION, ...(options.owner ? { owner: options.owner } : {}) }, null, 2) + '\n', { mode: 0o600 });
      renameSync(tmp, endpointFile);
      return new LocalService(host, server, containerServer, { url: server.url, pid: process.pid, version: VERSION, region, credentials }, endpointFile, lock, idleWatch, idle, s3, states, pipeline);
    } catch (err) {
      idleWatch?.stop();
      states?.close();
      await containerServer?.close();
      await pipeline?.close();
      await host.close();
      lock.release();
      throw err;
    }
  }

  /**
   * Stops serving and saves the state. Gracefully by default: queued jobs stay queued and running
   * containers keep running for the next start; `terminateAll` terminates them first. Idempotent.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= (async () => {
      this.idleWatch?.stop();
      this.removeEndpoint();
      process.off('exit', this.onExit);
      this.states.close();
      this.s3.close();
      await this.server.close();
      await this.containerServer?.close();
      await this.pipeline.close();
      await this.host.close(options);
      this.lock.release();
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

/** localbatch.yaml's `buckets`, folders resolved against the workspace root. */
export function declaredBuckets(settings: LocalSettingsFile | undefined, workspaceRoot: string): Record<string, DeclaredBucket> {
  const out: Record<string, DeclaredBucket> = {};
  for (const [name, v] of Object.entries(settings?.buckets ?? {})) {
    out[name] = typeof v === 'string' ? { path: resolve(workspaceRoot, v) } : { path: resolve(workspaceRoot, v.path), eventBridge: v.eventBridge };
  }
  return out;
}

/** Step Functions Local's mock file, as its SFN_MOCK_CONFIG names it; a bad file stops the start with what to fix. */
function readMockConfig(file: string | undefined): MockConfig | undefined {
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`SFN_MOCK_CONFIG: ${file} could not be read as JSON (${err instanceof Error ? err.message : String(err)}); fix the file or unset SFN_MOCK_CONFIG`, { cause: err });
  }
  const problems = mockConfigProblems(parsed);
  if (problems.length) throw new Error(`SFN_MOCK_CONFIG: ${file}: ${problems.join('; ')}`);
  return parsed as MockConfig;
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

/** Every Batch API request is activity: it restarts the idle wait. */
function touching(handlers: BatchHandlers, watch: IdleShutdown): BatchHandlers {
  const out: BatchHandlers = {};
  for (const [op, handler] of Object.entries(handlers) as Array<[keyof BatchHandlers, BatchHandler]>) {
    out[op] = (input) => {
      watch.touch();
      return handler(input);
    };
  }
  return out;
}

/**
 * The state directory's serve.lock (client/serve-lock.ts), or AlreadyServingError naming what holds
 * it: a serve answering (its URL), a `localbatch run`'s own emulator, another host's, or one starting.
 */
async function takeServeLock(stateDir: string, endpointFile: string): Promise<ServeLock> {
  try {
    return await acquireServeLock(stateDir);
  } catch (err) {
    if (!(err instanceof StateDirLockedError)) throw err;
    const endpoint = existsSync(endpointFile) ? await readEndpoint(stateDir).catch(() => undefined) : undefined;
    const health = endpoint?.pid === err.pid ? await checkHealth(endpoint, 2000).catch(() => undefined) : undefined;
    if (endpoint && health?.ok) {
      if (endpoint.owner === 'run') {
        throw new AlreadyServingError(`a localbatch run (pid ${err.pid}) is using ${stateDir} with its own emulator until its run ends; wait for it, or use another state directory (runs started while a localbatch serve runs share it)`, 'run');
      }
      throw new AlreadyServingError(`an emulator is already serving ${stateDir} at ${endpoint.url} (pid ${err.pid}); stop it first (localbatch stop --state-dir ${stateDir}) or use another state directory`, 'serving');
    }
    if (err.host) {
      throw new AlreadyServingError(`an emulator of another host (${err.host}, pid ${err.pid}) holds ${join(stateDir, SERVE_LOCK_FILE)}; stop it there, or if none runs there, remove that file`, 'other-host');
    }
    throw new AlreadyServingError(
      `an emulator is already serving ${stateDir} (pid ${err.pid}, starting: it holds ${join(stateDir, SERVE_LOCK_FILE)} but does not answer yet); ` +
        `wait for it, or if process ${err.pid} is no localbatch emulator, remove that file`,
      'starting',
    );
  }
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
