/**
 * The Docker container runtime: one container per attempt through the Docker Engine API
 * (dockerode). Output is attached before start and appended line by line to the LogSink while the
 * container runs; `exited` resolves only after the output stream has ended, so no line is lost.
 */

import os from 'node:os';
import Docker from 'dockerode';
import type {
  ContainerExit,
  ContainerRuntime,
  ContainerSignal,
  ContainerSpec,
  ContainerState,
  ImageProgress,
  LogSink,
  ManagedContainer,
  RunningContainer,
} from '../batch/core/ports';
import { RuntimeUnavailableError, isRuntimeUnavailable } from '../batch/core/ports';
import { CALL_TIMEOUT_MS, EngineHealth, isUnreachable, withTimeout as within, type HealthTimings } from './docker-health';
import { FollowedOutput, reconnect } from './docker-reconnect';
import { DockerVolumes } from './docker-volumes';
import { labelFilters, MANAGED_LABEL, MANAGED_LABEL_VALUE, toCreateOptions } from './docker-spec';
import { pumpLogs } from './docker-logs';
import type { RegistryAuth } from './ecr-auth';
import { inspectState, listManaged } from './docker-state';
import { imageExists } from './images';
import { missingImageHint, pullImage } from './pull';

export interface DockerRuntimeOptions {
  /** CPUs of the Docker host (NanoCpus is clamped to it); defaults to this machine's. */
  readonly hostCpus?: number;
  /** Credentials for private registries (ECR); anonymous pulls when absent. */
  readonly registryAuth?: RegistryAuth;
  /** Where pull progress goes when the caller of ensureImage passes no listener (e.g. the serve log). */
  readonly onImageProgress?: (p: ImageProgress) => void;
  /** How the engine's health is probed (tests use short pauses). */
  readonly health?: HealthTimings;
}

export class DockerRuntime implements ContainerRuntime {
  readonly docker: Docker;
  /** Whether the engine answers; the scheduler holds jobs while it does not. */
  readonly availability: EngineHealth;
  private readonly hostCpus: number;
  private readonly registryAuth?: RegistryAuth;
  private readonly onImageProgress?: (p: ImageProgress) => void;
  private readonly pulls = new Map<string, Promise<void>>();
  /** Images seen present (or pulled) by this runtime. */
  private readonly present = new Set<string>();
  /** One per followed container: detach() aborts its wait and log stream (the runtime can attach again). */
  private readonly following = new Set<AbortController>();
  private readonly volumes: DockerVolumes;

  constructor(
    docker: Docker | Docker.DockerOptions | undefined,
    private readonly logSink: LogSink,
    options: DockerRuntimeOptions = {},
  ) {
    this.docker = docker instanceof Docker ? docker : new Docker(docker);
    this.hostCpus = options.hostCpus ?? os.availableParallelism();
    this.registryAuth = options.registryAuth;
    this.onImageProgress = options.onImageProgress;
    this.availability = new EngineHealth(this.docker, dockerEndpoint(this.docker), options.health);
    this.volumes = new DockerVolumes(this.docker);
  }

  /** The engine could not be reached: mark it down and say so in the port's terms. */
  private unavailable(err: unknown): RuntimeUnavailableError {
    this.availability.markDown();
    return new RuntimeUnavailableError(`${this.availability.unavailableReason} (${dockerMessage(err)})`);
  }

  ensureImage(image: string, onProgress?: (p: ImageProgress) => void): Promise<void> {
    if (!this.availability.available) return Promise.reject(new RuntimeUnavailableError(this.availability.unavailableReason));
    // Known present: no round trip per attempt. If it is removed meanwhile, start() finds out
    // (create answers "no such image") and makes it available again.
    if (this.present.has(image)) return Promise.resolve();
    // Concurrent requests for one image (e.g. array children) share a single pull.
    let pending = this.pulls.get(image);
    if (!pending) {
      pending = this.pullIfMissing(image, onProgress)
        .then(() => void this.present.add(image))
        .finally(() => this.pulls.delete(image));
      this.pulls.set(image, pending);
    }
    return pending;
  }

  private async pullIfMissing(image: string, onProgress = this.onImageProgress): Promise<void> {
    try {
      if (await within(imageExists(this.docker, image), CALL_TIMEOUT_MS, 'image inspect')) return;
    } catch (err) {
      if (isUnreachable(err)) throw this.unavailable(err);
      throw err;
    }
    try {
      await pullImage(this.docker, image, { auth: this.registryAuth, onProgress });
    } catch (err) {
      if (isUnreachable(err)) throw this.unavailable(err);
      throw new Error(`CannotPullContainerError: ${image}: ${dockerMessage(err)}. ${missingImageHint(image)}`, { cause: err });
    }
  }

  async start(spec: ContainerSpec): Promise<RunningContainer> {
    if (!this.availability.available) throw new RuntimeUnavailableError(this.availability.unavailableReason);
    let container: Docker.Container;
    const options = toCreateOptions(spec, { hostCpus: this.hostCpus });
    const create = () => within(this.docker.createContainer(options), CALL_TIMEOUT_MS, 'create');
    try {
      await this.volumes.ensure(spec);
      try {
        container = await create();
      } catch (err) {
        const code = (err as { statusCode?: number }).statusCode;
        // The name is taken by this attempt's container from before an outage (never started): replace it, once.
        if (code === 409 && (await this.removeStale(spec))) container = await create();
        // The image went away since it was last seen: make it available again, once.
        else if (code !== 404 || !this.present.delete(spec.image)) throw err;
        else {
          await this.ensureImage(spec.image);
          container = await create();
        }
      }
    } catch (err) {
      if (isRuntimeUnavailable(err)) throw err;
      if (isUnreachable(err)) throw this.unavailable(err);
      if ((err as Error).message?.startsWith('CannotPullContainerError')) throw err;
      throw new Error(`CannotCreateContainerError: ${dockerMessage(err)}`, { cause: err });
    }
    try {
      // Attached before start (as `docker run` does) so the very first bytes are captured.
      const follow = this.follow();
      const stream = (await within(container.attach({ stream: true, stdout: true, stderr: true, abortSignal: follow.signal }), CALL_TIMEOUT_MS, 'attach')) as NodeJS.ReadableStream;
      const out = new FollowedOutput(this.logSink, spec.logStreamName, spec.logGroupName);
      const logsDone = this.pump(stream, out.sink(), spec.logStreamName, follow);
      for (const n of spec.extraNetworks ?? []) await within(this.docker.getNetwork(n).connect({ Container: container.id }), CALL_TIMEOUT_MS, 'network connect');
      await within(container.start(), CALL_TIMEOUT_MS, 'start');
      const exited = this.awaitExit(container, logsDone, follow, out);
      if (!spec.network) return { id: container.id, exited };
      const info = await within(container.inspect(), CALL_TIMEOUT_MS, 'inspect');
      return { id: container.id, exited, ipAddress: info.NetworkSettings.Networks[spec.network]?.IPAddress || undefined };
    } catch (err) {
      // Removed once the engine answers again (remove() waits for it), so the name is free for the retry.
      const removed = this.remove(container.id).catch(() => undefined);
      if (isUnreachable(err)) throw this.unavailable(err);
      await removed;
      throw new Error(`CannotStartContainerError: ${dockerMessage(err)}`, { cause: err });
    }
  }

  removeVolume(name: string): Promise<void> {
    return this.volumes.remove(name);
  }


  /** Removes a leftover container of this very attempt (same name and job), if that is what holds the name. */
  private async removeStale(spec: ContainerSpec): Promise<boolean> {
    const jobId = spec.labels['dev.localbatch.job-id'];
    try {
      const info = await within(this.docker.getContainer(spec.name).inspect(), CALL_TIMEOUT_MS, 'inspect');
      if (jobId === undefined || info.Config?.Labels?.['dev.localbatch.job-id'] !== jobId) return false;
      await this.remove(info.Id);
      return true;
    } catch {
      return false;
    }
  }

  async list(labels: Readonly<Record<string, string>>): Promise<ManagedContainer[]> {
    return listManaged(this.docker, labels);
  }

  async networks(labels: Readonly<Record<string, string>>): Promise<Array<{ name: string; labels: Readonly<Record<string, string>> }>> {
    const list = await within(this.docker.listNetworks({ filters: labelFilters({ [MANAGED_LABEL]: MANAGED_LABEL_VALUE, ...labels }) }), CALL_TIMEOUT_MS, 'network list');
    return list.map((n) => ({ name: n.Name, labels: n.Labels ?? {} }));
  }

  inspect(containerId: string): Promise<ContainerState | undefined> {
    return inspectState(this.docker, containerId);
  }

  async attach(containerId: string, logStreamName: string, logGroupName?: string): Promise<RunningContainer> {
    const container = this.docker.getContainer(containerId);
    await within(container.inspect(), CALL_TIMEOUT_MS, 'inspect');
    // The whole output again (Docker keeps it), minus the lines already stored for this attempt.
    const out = new FollowedOutput(this.logSink, logStreamName, logGroupName, this.logSink.count?.(logStreamName, logGroupName) ?? 0);
    const follow = this.follow();
    const stream = (await within(container.logs({ follow: true, stdout: true, stderr: true, abortSignal: follow.signal }), CALL_TIMEOUT_MS, 'logs')) as unknown as NodeJS.ReadableStream;
    const logsDone = this.pump(stream, out.resumed(), logStreamName, follow);
    return { id: containerId, exited: this.awaitExit(container, logsDone, follow, out) };
  }

  async detach(): Promise<void> {
    for (const f of this.following) f.abort();
    this.following.clear();
  }

  private follow(): AbortController {
    const f = new AbortController();
    this.following.add(f);
    return f;
  }

  private pump(stream: NodeJS.ReadableStream, sink: LogSink, logStreamName: string, follow: AbortController): Promise<void> {
    const destroy = () => (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    follow.signal.addEventListener('abort', destroy, { once: true });
    return pumpLogs(stream, sink, logStreamName).finally(() => follow.signal.removeEventListener('abort', destroy));
  }

  /**
   * The container's exit. A detach (graceful stop) leaves it unsettled for good. When the connection
   * to the engine breaks while it runs (a wait on a dead connection never answers, so a wait still
   * silent soon after the output ended counts too), it is settled once the engine answers again.
   */
  private async awaitExit(container: Docker.Container, logsDone: Promise<void>, follow: AbortController, out: FollowedOutput): Promise<ContainerExit> {
    const signal = follow.signal;
    const detached = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('detached')), { once: true }));
    detached.catch(() => undefined);
    const unfollow = this.availability.follow();
    try {
      for (;;) {
        const down = this.availability.whenDown();
        let stall: NodeJS.Timeout | undefined;
        try {
          const stalled = logsDone.then(() => new Promise<'stalled'>((resolve) => (stall = setTimeout(() => resolve('stalled'), WAIT_AFTER_OUTPUT_MS)).unref()));
          const first = await Promise.race([Promise.all([container.wait({ abortSignal: signal }), logsDone]), down.promise, stalled, detached]);
          if (first === 'stalled') throw Object.assign(new Error('the container output ended but wait did not answer'), { code: 'ECONNRESET' });
          const [waited] = first as [{ StatusCode?: number }, void];
          // A clean exit needs no inspect round trip: only a failed exit can be an out-of-memory kill.
          if (waited.StatusCode === 0) return { exitCode: 0, oomKilled: false };
          try {
            const info = await within(container.inspect(), CALL_TIMEOUT_MS, 'inspect');
            return { exitCode: info.State.ExitCode, oomKilled: info.State.OOMKilled === true };
          } catch {
            // Removed between wait and inspect: the wait status is still the exit code.
            return { exitCode: waited.StatusCode, oomKilled: false };
          }
        } catch (err) {
          // Detached: the attempt is someone else's now; never settle.
          if (signal.aborted) return new Promise<ContainerExit>(() => undefined);
          if (!isUnreachable(err)) return { oomKilled: false, error: dockerMessage(err) };
        } finally {
          clearTimeout(stall);
          down.cancel();
        }
        const next = await Promise.race([reconnect(container, this.availability, out), detached]).catch(() => undefined);
        if (next === undefined || signal.aborted) return new Promise<ContainerExit>(() => undefined);
        if ('exit' in next) return next.exit;
        logsDone = next.logsDone;
      }
    } finally {
      unfollow();
      this.following.delete(follow);
    }
  }

  async signal(containerId: string, signal: ContainerSignal): Promise<void> {
    try {
      await within(this.docker.getContainer(containerId).kill({ signal }), CALL_TIMEOUT_MS, 'kill');
    } catch (err) {
      if (isUnreachable(err)) {
        // Delivered once the engine is back (a TerminateJob during an outage still stops the job).
        this.availability.markDown();
        void this.availability.whenUp().then(() => this.signal(containerId, signal)).catch(() => undefined);
        return;
      }
      // 404: already removed; 409: not running (already exited).
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw err;
    }
  }

  async createNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<void> {
    if (!this.availability.available) throw new RuntimeUnavailableError(this.availability.unavailableReason);
    try {
      await within(this.docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { [MANAGED_LABEL]: MANAGED_LABEL_VALUE, ...labels } }), CALL_TIMEOUT_MS, 'network create');
    } catch (err) {
      if (isUnreachable(err)) throw this.unavailable(err);
      throw new Error(`CannotCreateContainerError: network ${name}: ${dockerMessage(err)}`, { cause: err });
    }
  }

  async removeNetwork(name: string): Promise<void> {
    try {
      await within(this.docker.getNetwork(name).remove(), CALL_TIMEOUT_MS, 'network remove');
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  async remove(containerId: string): Promise<void> {
    for (let tries = 0; ; tries++) {
      try {
        await within(this.docker.getContainer(containerId).remove({ force: true, v: true }), CALL_TIMEOUT_MS, 'remove');
        return;
      } catch (err) {
        // The engine is away: remove it once it is back (bounded, so a dead engine ends it too).
        if (isUnreachable(err) && tries < MAX_REMOVE_TRIES) {
          this.availability.markDown();
          await this.availability.whenUp();
          continue;
        }
        // 404: already gone; 409: a removal is already in progress.
        const code = (err as { statusCode?: number }).statusCode;
        if (code !== 404 && code !== 409) throw err;
        return;
      }
    }
  }
}

/**
 * Force-removes every managed container carrying all of `labels` (leftovers of a crashed or
 * interrupted run), then the multi-node networks with those labels. Returns how many containers
 * were removed.
 */
export async function cleanupContainers(docker: Docker, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const list = await within(docker.listContainers({ all: true, filters: labelFilters(labels) }), CALL_TIMEOUT_MS, 'list');
  const results = await Promise.allSettled(
    list.map((c) => within(docker.getContainer(c.Id).remove({ force: true, v: true }), CALL_TIMEOUT_MS, 'remove')),
  );
  const networks = await docker.listNetworks({ filters: labelFilters(labels) }).catch(() => []);
  await Promise.allSettled(networks.map((n) => docker.getNetwork(n.Id).remove()));
  return results.filter((r) => r.status === 'fulfilled').length;
}

/** Where this client connects, as a user would write it. */
export function dockerEndpoint(docker?: Docker): string {
  const modem = docker?.modem as { socketPath?: unknown; host?: string; port?: number; protocol?: string } | undefined;
  // dockerode 5 may hold a function here (it probes ~/.docker/run/docker.sock lazily).
  if (typeof modem?.socketPath === 'string') return `unix://${modem.socketPath}`;
  if (modem?.host) return `${modem.protocol ?? 'http'}://${modem.host}${modem.port ? `:${modem.port}` : ''}`;
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/** How long wait may stay silent after a container's output ended before the engine is asked. */
const WAIT_AFTER_OUTPUT_MS = 2_000;
/** remove() waits for the engine at most this many times. */
const MAX_REMOVE_TRIES = 20;

export class DockerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerUnavailableError';
  }
}

/**
 * Checks that the Docker engine answers; otherwise rejects with one clear, user-facing message
 * saying where Docker was expected and how to fix it.
 */
export async function checkDocker(docker: Docker = new Docker(), timeoutMs = 5000): Promise<void> {
  const endpoint = dockerEndpoint(docker);
  try {
    await withTimeout(docker.ping(), timeoutMs);
  } catch (err) {
    const reason = dockerMessage(err);
    const code = (err as { code?: string }).code;
    const fix =
      code === 'EACCES'
        ? `Permission denied on the Docker socket: add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again) or check the permissions on ${socketOf(endpoint)}.`
        : `Start Docker (Docker Desktop on macOS/Windows; on Linux: sudo systemctl start docker), ` +
          `or set DOCKER_HOST to your engine; if Docker is running, check the permissions on ${socketOf(endpoint)}.`;
    throw new DockerUnavailableError(`Docker is not reachable at ${endpoint} (${reason}). ${fix}`);
  }
}

function socketOf(endpoint: string): string {
  return endpoint.startsWith('unix://') ? endpoint.slice('unix://'.length) : '/var/run/docker.sock';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/** The engine's own message for an API error ("(HTTP code 404) no such image - ..." → the reason). */
export function dockerMessage(err: unknown): string {
  const e = err as { json?: { message?: string }; reason?: string; message?: string };
  if (e?.json?.message) return e.json.message;
  if (typeof e?.message === 'string' && e.message !== '') {
    return e.message.replace(/^\(HTTP code \d+\) [^-]*- /, '').replace(/\s+$/, '');
  }
  return String(err);
}
