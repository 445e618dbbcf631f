/**
 * The SageMaker CreateTrainingJob request a SAGEMAKER_TRAINING service job carries in its
 * `serviceRequestPayload` (a JSON string, at most 10 KiB), read into what a local run needs, and
 * the files SageMaker's container contract puts under /opt/ml/input/config.
 */
import { invalid } from './errors';

/** serviceRequestPayload's limit (SubmitServiceJob: 10 KiB). */
export const MAX_PAYLOAD_BYTES = 10 * 1024;

export interface TrainingChannel {
  readonly name: string;
  /** S3DataSource.S3Uri (s3:// or, as SageMaker local mode accepts, file://). */
  readonly uri: string;
  readonly contentType?: string;
  readonly inputMode: string;
  readonly distribution: string;
  readonly recordWrapperType: string;
}

export interface TrainingRequest {
  readonly trainingJobName: string;
  readonly image: string;
  readonly entrypoint?: readonly string[];
  readonly arguments?: readonly string[];
  readonly hyperParameters: Readonly<Record<string, string>>;
  readonly channels: readonly TrainingChannel[];
  /** OutputDataConfig.S3OutputPath (s3:// or file://). */
  readonly outputPath?: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly maxRuntimeSeconds?: number;
  readonly roleArn?: string;
}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) invalid(`serviceRequestPayload: ${what} must be an object`);
  return v as Obj;
}

function str(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') invalid(`serviceRequestPayload: ${what} must be a string`);
  return v;
}

function strMap(v: unknown, what: string): Record<string, string> {
  const o = obj(v, what) ?? {};
  for (const [k, x] of Object.entries(o)) if (typeof x !== 'string') invalid(`serviceRequestPayload: ${what}.${k} must be a string`);
  return o as Record<string, string>;
}

function strList(v: unknown, what: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) invalid(`serviceRequestPayload: ${what} must be a list of strings`);
  return v as string[];
}

const TRAINING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Parses and checks the payload; `jobName` names the training job when the payload names none. */
export function parseTrainingRequest(payload: string, jobName: string): TrainingRequest {
  if (Buffer.byteLength(payload, 'utf8') > MAX_PAYLOAD_BYTES) invalid(`serviceRequestPayload must be at most ${MAX_PAYLOAD_BYTES} bytes (10 KiB)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    invalid('serviceRequestPayload must be a JSON SageMaker CreateTrainingJob request');
  }
  const req = obj(parsed, 'the payload');
  if (!req) invalid('serviceRequestPayload must be a JSON object (a SageMaker CreateTrainingJob request)');
  const name = str(req.TrainingJobName, 'TrainingJobName') ?? jobName;
  if (!TRAINING_JOB_NAME.test(name)) invalid(`serviceRequestPayload: TrainingJobName ${name} must be 1-63 letters, numbers or hyphens`);
  const algo = obj(req.AlgorithmSpecification, 'AlgorithmSpecification');
  const image = str(algo?.TrainingImage, 'AlgorithmSpecification.TrainingImage');
  if (!image) invalid('serviceRequestPayload: AlgorithmSpecification.TrainingImage is required (localbatch runs that image; algorithm names are not supported)');
  const resources = obj(req.ResourceConfig, 'ResourceConfig');
  if (!resources) invalid('serviceRequestPayload: ResourceConfig is required');
  const count = resources.InstanceCount ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) invalid('serviceRequestPayload: ResourceConfig.InstanceCount must be a positive integer');
  const instanceType = str(resources.InstanceType, 'ResourceConfig.InstanceType') ?? 'ml.m5.xlarge';
  const inputMode = str(algo?.TrainingInputMode, 'AlgorithmSpecification.TrainingInputMode') ?? 'File';
  const channels: TrainingChannel[] = [];
  const input = req.InputDataConfig ?? [];
  if (!Array.isArray(input)) invalid('serviceRequestPayload: InputDataConfig must be a list');
  for (const [i, c] of input.entries()) {
    const ch = obj(c, `InputDataConfig[${i}]`) ?? {};
    const chName = str(ch.ChannelName, `InputDataConfig[${i}].ChannelName`);
    if (!chName || !/^[A-Za-z0-9.\-_]{1,64}$/.test(chName)) invalid(`serviceRequestPayload: InputDataConfig[${i}].ChannelName is required (letters, numbers, . - _)`);
    const s3 = obj(obj(ch.DataSource, `InputDataConfig[${i}].DataSource`)?.S3DataSource, `InputDataConfig[${i}].DataSource.S3DataSource`);
    const uri = str(s3?.S3Uri, `InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`);
    if (!uri) invalid(`serviceRequestPayload: channel ${chName} needs DataSource.S3DataSource.S3Uri (s3:// or file://)`);
    channels.push({
      name: chName,
      uri,
      contentType: str(ch.ContentType, 'ContentType'),
      inputMode: str(ch.InputMode, 'InputMode') ?? inputMode,
      distribution: str(s3?.S3DataDistributionType, 'S3DataDistributionType') ?? 'FullyReplicated',
      recordWrapperType: str(ch.RecordWrapperType, 'RecordWrapperType') ?? 'None',
    });
  }
  const stopping = obj(req.StoppingCondition, 'StoppingCondition');
  const maxRuntime = stopping?.MaxRuntimeInSeconds;
  if (maxRuntime !== undefined && (typeof maxRuntime !== 'number' || !Number.isInteger(maxRuntime) || maxRuntime < 1)) invalid('serviceRequestPayload: StoppingCondition.MaxRuntimeInSeconds must be a positive integer');
  return {
    trainingJobName: name,
    image,
    entrypoint: strList(algo?.ContainerEntrypoint, 'AlgorithmSpecification.ContainerEntrypoint'),
    arguments: strList(algo?.ContainerArguments, 'AlgorithmSpecification.ContainerArguments'),
    hyperParameters: strMap(req.HyperParameters, 'HyperParameters'),
    channels,
    outputPath: str(obj(req.OutputDataConfig, 'OutputDataConfig')?.S3OutputPath, 'OutputDataConfig.S3OutputPath'),
    instanceType,
    instanceCount: count,
    environment: strMap(req.Environment, 'Environment'),
    maxRuntimeSeconds: maxRuntime as number | undefined,
    roleArn: str(req.RoleArn, 'RoleArn'),
  };
}

/** The hosts of a run: algo-1 … algo-n. */
export function trainingHosts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `algo-${i + 1}`);
}

/** /opt/ml/input/config/resourceconfig.json of one host. */
export function resourceConfig(req: TrainingRequest, host: string): unknown {
  const hosts = trainingHosts(req.instanceCount);
  return {
    current_host: host,
    current_instance_type: req.instanceType,
    current_group_name: 'homogeneousCluster',
    hosts,
    instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: req.instanceType, hosts }],
    network_interface_name: 'eth0',
  };
}

/** /opt/ml/input/config/inputdataconfig.json. */
export function inputDataConfig(req: TrainingRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of req.channels) {
    out[c.name] = { ...(c.contentType ? { ContentType: c.contentType } : {}), TrainingInputMode: c.inputMode, S3DistributionType: c.distribution, RecordWrapperType: c.recordWrapperType };
  }
  return out;
}
