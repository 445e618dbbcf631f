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
  ImageProgress,
  LogSink,
  RunningContainer,
} from '../core/ports';
import { labelFilters, toCreateOptions, volumeLabels, withDefaultTag } from './docker-spec';
import { pumpLogs } from './docker-logs';
import { imageExists } from './images';

export interface DockerRuntimeOptions {
  /** CPUs of the Docker host (NanoCpus is clamped to it); defaults to this machine's. */
  readonly hostCpus?: number;
}

export class DockerRuntime implements ContainerRuntime {
  readonly docker: Docker;
  private readonly hostCpus: number;
  private readonly pulls = new Map<string, Promise<void>>();
  /** Images seen present (or pulled) by this runtime. */
  private readonly present = new Set<string>();

  constructor(
    docker: Docker | Docker.DockerOptions | undefined,
    private readonly logSink: LogSink,
    options: DockerRuntimeOptions = {},
  ) {
    this.docker = docker instanceof Docker ? docker : new Docker(docker);
    this.hostCpus = options.hostCpus ?? os.availableParallelism();
  }

  ensureImage(image: string, onProgress?: (p: ImageProgress) => void): Promise<void> {
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

  private async pullIfMissing(image: string, onProgress?: (p: ImageProgress) => void): Promise<void> {
    if (await imageExists(this.docker, image)) return;
    try {
      const stream = await this.docker.pull(withDefaultTag(image));
      const failure = await new Promise<string | undefined>((resolve, reject) => {
        let error: string | undefined;
        this.docker.modem.followProgress(
          stream,
          (err: Error | null) => (err ? reject(err) : resolve(error)),
          (e: { status?: string; progress?: string; id?: string; error?: string }) => {
            if (e.error !== undefined) error = e.error;
            const message = [e.id, e.status, e.progress].filter(Boolean).join(' ');
            if (message !== '' && onProgress) onProgress({ image, message });
          },
        );
      });
      if (failure !== undefined) throw new Error(failure);
    } catch (err) {
      throw new Error(`CannotPullContainerError: ${image}: ${dockerMessage(err)}`, { cause: err });
    }
  }

  async start(spec: ContainerSpec): Promise<RunningContainer> {
    let container: Docker.Container;
    const options = toCreateOptions(spec, { hostCpus: this.hostCpus });
    try {
      await this.ensureVolumes(spec);
      try {
        container = await this.docker.createContainer(options);
      } catch (err) {
        // The image went away since it was last seen: make it available again, once.
        if ((err as { statusCode?: number }).statusCode !== 404 || !this.present.delete(spec.image)) throw err;
        await this.ensureImage(spec.image);
        container = await this.docker.createContainer(options);
      }
    } catch (err) {
      if ((err as Error).message?.startsWith('CannotPullContainerError')) throw err;
      throw new Error(`CannotCreateContainerError: ${dockerMessage(err)}`, { cause: err });
    }
    try {
      // Attached before start (as `docker run` does) so the very first bytes are captured.
      const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
      const logsDone = pumpLogs(stream, this.logSink, spec.logStreamName);
      await container.start();
      return { id: container.id, exited: this.awaitExit(container, logsDone) };
    } catch (err) {
      await this.remove(container.id).catch(() => undefined);
      throw new Error(`CannotStartContainerError: ${dockerMessage(err)}`, { cause: err });
    }
  }

  /** Creates the named volumes a spec mounts (with localbatch's labels); an existing one is kept as is. */
  private async ensureVolumes(spec: ContainerSpec): Promise<void> {
    for (const m of spec.mounts ?? []) {
      if (m.volumeName === undefined || m.hostPath !== undefined) continue;
      try {
        await this.docker.getVolume(m.volumeName).inspect();
      } catch {
        await this.docker.createVolume({ Name: m.volumeName, Labels: volumeLabels(m) });
      }
    }
  }

  private async awaitExit(container: Docker.Container, logsDone: Promise<void>): Promise<ContainerExit> {
    try {
      const [waited] = (await Promise.all([container.wait(), logsDone])) as [{ StatusCode?: number }, void];
      // A clean exit needs no inspect round trip: only a failed exit can be an out-of-memory kill.
      if (waited.StatusCode === 0) return { exitCode: 0, oomKilled: false };
      try {
        const info = await container.inspect();
        return { exitCode: info.State.ExitCode, oomKilled: info.State.OOMKilled === true };
      } catch {
        // Removed between wait and inspect: the wait status is still the exit code.
        return { exitCode: waited.StatusCode, oomKilled: false };
      }
    } catch (err) {
      return { oomKilled: false, error: dockerMessage(err) };
    }
  }

  async signal(containerId: string, signal: ContainerSignal): Promise<void> {
    try {
      await this.docker.getContainer(containerId).kill({ signal });
    } catch (err) {
      // 404: already removed; 409: not running (already exited).
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw err;
    }
  }

  async remove(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).remove({ force: true, v: true });
    } catch (err) {
      // 404: already gone; 409: a removal is already in progress.
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw err;
    }
  }
}

/**
 * Force-removes every managed container carrying all of `labels` (leftovers of a crashed or
 * interrupted run). Returns how many were removed.
 */
export async function cleanupContainers(docker: Docker, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: labelFilters(labels) });
  const results = await Promise.allSettled(
    list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })),
  );
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
