/**
 * Runs a SageMaker training job in Docker under SageMaker's container contract, as the SageMaker
 * Python SDK's local mode does: the image runs with `train` as its command (or ContainerEntrypoint
 * / ContainerArguments), with /opt/ml/input/config/{hyperparameters,inputdataconfig,resourceconfig}.json,
 * each channel under /opt/ml/input/data/<channel>, /opt/ml/model packed afterwards as
 * `<S3OutputPath>/<training job name>/output/model.tar.gz`, and /opt/ml/output/failure read as the
 * failure reason. InstanceCount > 1 runs algo-1 … algo-n on one network (each reachable by its name).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContainerExit, ContainerRuntime, RunningContainer, VolumeMount } from '../batch/core/ports';
import type { RunningTraining, TrainingLaunch, TrainingOutcome, TrainingRunner } from '../batch/core/serviceJobs';
import { TRAINING_JOB_LABEL } from '../batch/core/trainingPort';
import { inputDataConfig, resourceConfig, trainingHosts } from '../batch/core/trainingRequest';
import { writeTarGz } from './tar';

/**
 * Where `s3://` channels and outputs go: the local S3, plugged in by the composition root
 * (training-s3.ts: download a prefix into a folder; upload a file to a key). Without it, s3:// URIs
 * fail the attempt.
 */
export interface TrainingS3 {
  download(uri: string, folder: string): Promise<void>;
  upload(file: string, uri: string): Promise<void>;
}

export interface TrainingRunnerOptions {
  readonly runtime: ContainerRuntime;
  /** Folder for the attempts' config, data and model folders (e.g. `<stateDir>/training`). */
  readonly workDir: string;
  /** Labels on every container and network (the owning state directory). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly s3?: TrainingS3;
  /** Refuses a host folder (file:// channel or output) the host-access policy does not allow: the reason, or undefined. */
  readonly checkHostPath?: (path: string) => string | undefined;
  readonly imageOverrides?: Readonly<Record<string, string>>;
}

const LOG_GROUP = '/aws/sagemaker/TrainingJobs';
const STOP_GRACE_MS = 10_000;

class TrainingError extends Error {}

/** An S3 hook's failure as the attempt's reason (`ClientError: ...`). */
function clientError(e: unknown, what: string): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.startsWith('ClientError: ') ? message : `ClientError: ${what}: ${message}`;
}

function fileFolder(uri: string): string {
  try {
    return fileURLToPath(uri);
  } catch {
    throw new TrainingError(`ClientError: ${uri} is not a valid file:// URI`);
  }
}

export class DockerTrainingRunner implements TrainingRunner {
  constructor(private readonly options: TrainingRunnerOptions) {}

  run(launch: TrainingLaunch, running: () => void): RunningTraining {
    const state = { stop: false, containers: [] as RunningContainer[] };
    return { finished: this.execute(launch, running, state).catch(outcomeOfError), stop: () => this.stop(state) };
  }

  /**
   * After a restart: the attempt's containers (one per host, named for the job, attempt and host),
   * still running or exited while the emulator was down, followed to their end, then its output
   * packed as for a run; undefined when its folder or any host's container is gone.
   */
  async reattach(launch: TrainingLaunch): Promise<RunningTraining | undefined> {
    const { runtime } = this.options;
    const root = join(this.options.workDir, `${launch.jobId}-${launch.attempt}`);
    if (!existsSync(root)) return undefined;
    const hosts = trainingHosts(launch.request.instanceCount);
    const listed = await runtime.list({ ...this.options.labels, [TRAINING_JOB_LABEL]: launch.jobId });
    const found = hosts.map((host) => listed.find((c) => c.name === containerName(launch, host)));
    if (found.some((c) => !c || c.state.status === 'created')) return undefined;
    const state = { stop: false, containers: [] as RunningContainer[] };
    for (const [i, c] of found.entries()) state.containers.push(await runtime.attach(c!.id, `${launch.request.trainingJobName}/${hosts[i]}-${launch.attempt}`, LOG_GROUP));
    const network = hosts.length > 1 ? networkName(launch) : undefined;
    const finished = this.finishRun(launch, root, hosts, state.containers).catch(outcomeOfError).finally(() => (network ? runtime.removeNetwork(network).catch(() => undefined) : undefined));
    return { finished, stop: () => this.stop(state) };
  }

  private stop(state: { stop: boolean; containers: RunningContainer[] }): void {
    state.stop = true;
    for (const c of state.containers) void this.options.runtime.signal(c.id, 'SIGTERM');
    setTimeout(() => {
      for (const c of state.containers) void this.options.runtime.signal(c.id, 'SIGKILL');
    }, STOP_GRACE_MS).unref();
  }

  /** The hosts' exits, the containers removed, then the outcome: the first failing host's reason, or the model packed. */
  private async finishRun(launch: TrainingLaunch, root: string, hosts: readonly string[], started: readonly RunningContainer[]): Promise<TrainingOutcome> {
    const exits = await Promise.all(started.map((c) => c.exited));
    for (const c of started) await this.options.runtime.remove(c.id).catch(() => undefined);
    const failed = exits.findIndex((e) => e.exitCode !== 0);
    if (failed >= 0) return { succeeded: false, failureReason: this.failureOf(join(root, hosts[failed], 'output', 'failure'), exits[failed]) };
    if (launch.request.outputPath) await this.packModel(root, hosts, launch.request.outputPath, launch.request.trainingJobName);
    return { succeeded: true };
  }

  private async execute(launch: TrainingLaunch, running: () => void, state: { stop: boolean; containers: RunningContainer[] }): Promise<TrainingOutcome> {
    const { runtime } = this.options;
    const req = launch.request;
    const root = join(this.options.workDir, `${launch.jobId}-${launch.attempt}`);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const hosts = trainingHosts(req.instanceCount);
    const labels = { ...this.options.labels, [TRAINING_JOB_LABEL]: launch.jobId };
    // Channels: a file:// folder is bound as it is (read-only); s3:// goes through the local S3 hook.
    const channelMounts: VolumeMount[] = [];
    for (const ch of req.channels) {
      let folder: string;
      if (ch.uri.startsWith('file://')) {
        folder = fileFolder(ch.uri);
        const refused = this.options.checkHostPath?.(folder);
        if (refused) throw new TrainingError(`ClientError: channel ${ch.name}: ${refused}`);
        if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new TrainingError(`ClientError: channel ${ch.name}: ${folder} is not a folder`);
      } else if (ch.uri.startsWith('s3://')) {
        if (!this.options.s3) throw new TrainingError(`ClientError: channel ${ch.name}: s3:// data needs localbatch's local S3, which is not available; use a file:// folder`);
        folder = join(root, 'data', ch.name);
        mkdirSync(folder, { recursive: true });
        await this.options.s3.download(ch.uri, folder).catch((e: unknown) => {
          throw new TrainingError(clientError(e, `channel ${ch.name}`));
        });
      } else throw new TrainingError(`ClientError: channel ${ch.name}: S3Uri must be s3:// or file://, not ${ch.uri}`);
      channelMounts.push({ hostPath: folder, containerPath: `/opt/ml/input/data/${ch.name}`, readOnly: true });
    }
    const output = req.outputPath;
    if (output && !output.startsWith('file://') && !(output.startsWith('s3://') && this.options.s3)) {
      throw new TrainingError(`ClientError: OutputDataConfig.S3OutputPath ${output} must be file:// (s3:// needs localbatch's local S3, not available)`);
    }
    const image = this.options.imageOverrides?.[req.image] ?? req.image;
    try {
      await runtime.ensureImage(image);
    } catch (e) {
      throw new TrainingError(`ClientError: the training image ${req.image} could not be found: ${e instanceof Error ? e.message : String(e)}`);
    }
    const network = hosts.length > 1 ? networkName(launch) : undefined;
    if (network) await runtime.createNetwork(network, labels);
    try {
      for (const host of hosts) {
        const dir = join(root, host);
        for (const d of ['config', 'model', 'output']) mkdirSync(join(dir, d), { recursive: true });
        writeFileSync(join(dir, 'config', 'hyperparameters.json'), JSON.stringify(req.hyperParameters));
        writeFileSync(join(dir, 'config', 'inputdataconfig.json'), JSON.stringify(inputDataConfig(req)));
        writeFileSync(join(dir, 'config', 'resourceconfig.json'), JSON.stringify(resourceConfig(req, host)));
      }
      if (state.stop) return { succeeded: false, failureReason: 'Stopped' };
      const started = await Promise.all(
        hosts.map((host) =>
          runtime.start({
            name: containerName(launch, host),
            image,
            entrypoint: req.entrypoint,
            command: req.entrypoint ? [...(req.arguments ?? [])] : ['train', ...(req.arguments ?? [])],
            hostname: host,
            environment: { ...req.environment, TRAINING_JOB_NAME: req.trainingJobName, TRAINING_JOB_ARN: launch.trainingJobArn },
            vcpus: 0,
            memoryMiB: 0,
            gpus: 0,
            mounts: [
              { hostPath: join(root, host, 'config'), containerPath: '/opt/ml/input/config', readOnly: false },
              { hostPath: join(root, host, 'model'), containerPath: '/opt/ml/model', readOnly: false },
              { hostPath: join(root, host, 'output'), containerPath: '/opt/ml/output', readOnly: false },
              ...channelMounts,
            ],
            labels,
            network,
            networkAliases: network ? [host] : undefined,
            logGroupName: LOG_GROUP,
            logStreamName: `${req.trainingJobName}/${host}-${launch.attempt}`,
          }),
        ),
      );
      state.containers.push(...started);
      if (state.stop) {
        // Stopped while starting: stop() found no containers to signal, so these get both signals now.
        for (const c of started) void runtime.signal(c.id, 'SIGTERM');
        setTimeout(() => {
          for (const c of started) void runtime.signal(c.id, 'SIGKILL');
        }, STOP_GRACE_MS).unref();
      }
      running();
      return await this.finishRun(launch, root, hosts, started);
    } finally {
      if (network) await runtime.removeNetwork(network).catch(() => undefined);
    }
  }

  private failureOf(file: string, exit: ContainerExit): string {
    let text = '';
    try {
      text = readFileSync(file, 'utf8').trim().slice(0, 1024);
    } catch {
      // no failure file
    }
    if (text) return `AlgorithmError: ${text}`;
    if (exit.error) return `ClientError: ${exit.error}`;
    return `AlgorithmError: the training container exited with code ${String(exit.exitCode)}${exit.oomKilled ? ' (out of memory)' : ''}; see the job's logs`;
  }

  /** Every host's /opt/ml/model, merged in host order, as <output>/<name>/output/model.tar.gz. */
  private async packModel(root: string, hosts: readonly string[], output: string, name: string): Promise<void> {
    const merged = join(root, 'model-merged');
    mkdirSync(merged, { recursive: true });
    for (const host of hosts) cpSync(join(root, host, 'model'), merged, { recursive: true });
    const key = `${output.replace(/\/+$/, '')}/${name}/output/model.tar.gz`;
    if (output.startsWith('s3://')) {
      const file = join(root, 'model.tar.gz');
      await writeTarGz(merged, file);
      await this.options.s3!.upload(file, key).catch((e: unknown) => {
        throw new TrainingError(clientError(e, 'OutputDataConfig.S3OutputPath'));
      });
      return;
    }
    const target = fileFolder(key);
    const refused = this.options.checkHostPath?.(fileFolder(output));
    if (refused) throw new TrainingError(`ClientError: OutputDataConfig.S3OutputPath: ${refused}`);
    mkdirSync(join(target, '..'), { recursive: true });
    await writeTarGz(merged, target);
  }
}

const containerName = (launch: TrainingLaunch, host: string) => `localbatch-train-${launch.jobId.slice(0, 18)}-${launch.attempt}-${host}`;
const networkName = (launch: TrainingLaunch) => `localbatch-train-${launch.jobId.slice(0, 12)}-${launch.attempt}`;

function outcomeOfError(e: unknown): TrainingOutcome {
  return { succeeded: false, failureReason: e instanceof TrainingError ? e.message : `InternalServerError: ${e instanceof Error ? e.message : String(e)}` };
}
