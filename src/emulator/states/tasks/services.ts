/**
 * The Task resources and distributed Map ports served by the emulator's own S3 and EventBridge
 * (through `LocalAws`): `arn:aws:states:::events:putEvents`,
 * `arn:aws:states:::aws-sdk:{eventbridge:putEvents, s3:getObject|putObject|listObjectsV2}`,
 * the ItemReader (`s3:getObject`, `s3:listObjectsV2`) and the ResultWriter (`s3:putObject`).
 * (SNS Publish is tasks/sns.ts.) A task that writes (putEvents, putObject) remembers its result per
 * state entry, so an execution replayed after a restart does not send the same events twice.
 */
import { StatesError } from '../core/errors';
import { resultExport } from '../core/map-results';
import type { InterpreterPorts, TaskInvocation } from '../core/types';
import { limit, listedItem, parseItems } from './item-reader';
import type { TaskMemory } from './batch';
import type { LocalAws } from './local-aws';
import { calledIntegration, integrationOf } from '../../../model/asl/local-resources';

export { isLocalServiceResource } from '../../../model/asl/local-resources';

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new StatesError('States.Runtime', `The ${what} parameters must be a JSON object, not ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function text(params: Record<string, unknown>, field: string, what: string): string {
  const v = params[field];
  if (typeof v !== 'string' || v === '') throw new StatesError('States.Runtime', `The ${what} needs a ${field} (a string); got ${JSON.stringify(v)}`);
  return v;
}

export async function runLocalServiceTask(inv: TaskInvocation, aws: LocalAws, memory: TaskMemory): Promise<unknown> {
  const r = calledIntegration(inv.resource) ?? '';
  const params = record(inv.parameters ?? {}, `state '${inv.stateName}'`);
  const once = async (call: () => Promise<unknown>) => {
    const done = memory.get(`${inv.key}:out`);
    if (done !== undefined) return JSON.parse(done) as unknown;
    const out = await call();
    memory.set(`${inv.key}:out`, JSON.stringify(out));
    return out;
  };
  if (r === 'events:putEvents' || r === 'aws-sdk:eventbridge:putEvents') return once(() => aws.putEvents(params, inv.signal));
  const s3 = /^aws-sdk:s3:(\w+)$/.exec(r);
  if (s3) return s3[1] === 'putObject' ? once(() => aws.s3Sdk(s3[1], params, inv.signal)) : aws.s3Sdk(s3[1], params, inv.signal);
  throw new StatesError('States.Runtime', `localbatch's local services do not run '${inv.resource}'`);
}

/** The ItemReader port: a JSON / JSONL / CSV object, or a bucket listing, from the local S3. */
export function localItemReader(aws: LocalAws): NonNullable<InterpreterPorts['readItems']> {
  return async (reader, parameters, signal) => {
    const r = integrationOf(reader.Resource);
    const params = record(parameters ?? {}, 'ItemReader');
    const config = reader.ReaderConfig ?? {};
    if (r === 's3:getObject') {
      const bucket = text(params, 'Bucket', 'ItemReader');
      const key = text(params, 'Key', 'ItemReader');
      return parseItems(await aws.getObjectText(bucket, key, signal), config);
    }
    if (r === 's3:listObjectsV2') {
      const bucket = text(params, 'Bucket', 'ItemReader');
      const prefix = params.Prefix === undefined ? undefined : String(params.Prefix);
      return limit((await aws.listObjects(bucket, prefix, signal)).map(listedItem), config);
    }
    throw new StatesError('States.ItemReaderFailed', `localbatch reads items with arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2, not ${reader.Resource}`);
  };
}

/** The ResultWriter port: the map run's result files and manifest.json into the local S3. */
export function localResultWriter(aws: LocalAws): NonNullable<InterpreterPorts['writeResults']> {
  return async (writer, parameters, run, signal) => {
    if (integrationOf(writer.Resource ?? '') !== 's3:putObject') {
      throw new StatesError('States.ResultWriterFailed', `A ResultWriter's Resource must be arn:aws:states:::s3:putObject, not ${writer.Resource}`);
    }
    const params = record(parameters ?? {}, 'ResultWriter');
    const bucket = text(params, 'Bucket', 'ResultWriter');
    const prefix = params.Prefix === undefined ? '' : String(params.Prefix);
    const out = resultExport(run, bucket, prefix, writer.WriterConfig);
    for (const o of out.objects) await aws.putObjectText(bucket, o.key, o.body, signal);
    return out.details;
  };
}
