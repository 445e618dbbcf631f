/**
 * A distributed Map run's results as AWS exports them (ResultWriter): its ARNs, each child workflow
 * execution's record (DescribeExecution's fields in PascalCase, Input and Output as JSON strings),
 * WriterConfig's Transformation (NONE / COMPACT / FLATTEN) and OutputType (JSON / JSONL), and the
 * objects a `arn:aws:states:::s3:putObject` writer puts under `<Prefix>/<map run id>/`: one
 * SUCCEEDED_n / FAILED_n / PENDING_n file per status that has results, and manifest.json listing
 * them. Pure: the caller does the writing.
 */
import { createHash } from 'node:crypto';
import type { MapRunChild, MapRunReport } from './types';

export interface MapRunIdentity {
  readonly mapRunArn: string;
  readonly id: string;
  readonly stateMachineArn: string;
  readonly executionArnPrefix: string;
}

/** `arn:…:stateMachine:<machine>` + Map state + id → `arn:…:mapRun:<machine>/<state>:<id>` and the children's ARNs. */
export function mapRunIdentity(stateMachineArn: string, stateName: string, id: string): MapRunIdentity {
  const m = /^(arn:[^:]+:states:[^:]*:[^:]*):stateMachine:([^:]+)/.exec(stateMachineArn);
  const head = m?.[1] ?? 'arn:aws:states:us-east-1:000000000000';
  const machine = m?.[2] ?? 'unknown';
  const tail = `${machine}/${stateName}:${id}`;
  return { mapRunArn: `${head}:mapRun:${tail}`, id, stateMachineArn: `${head}:stateMachine:${tail}`, executionArnPrefix: `${head}:execution:${tail}` };
}

/**
 * A child workflow execution's name: a UUID made from the map run's id and the item's index, so a
 * replay after a restart gives each child the name (and ARN) it had.
 */
export function childName(mapRunId: string, index: number): string {
  const h = createHash('sha256').update(`${mapRunId}:${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The map run a child workflow execution's ARN belongs to, or undefined: its last part (the child's
 * name, a UUID) taken off and `:execution:` made `:mapRun:` (a Map's label may hold ':' or '/').
 */
export function mapRunOfChild(executionArn: string): string | undefined {
  const at = executionArn.indexOf(':execution:');
  const last = executionArn.lastIndexOf(':');
  if (at < 0 || last <= at + ':execution:'.length || !executionArn.slice(at + ':execution:'.length, last).includes('/')) return undefined;
  return `${executionArn.slice(0, at)}:mapRun:${executionArn.slice(at + ':execution:'.length, last)}`;
}

/** A child workflow execution as the ResultWriter exports it (Transformation NONE). */
export function childRecord(run: Pick<MapRunReport, 'stateMachineArn' | 'executionArnPrefix'>, c: MapRunChild): Record<string, unknown> {
  const common = {
    ExecutionArn: `${run.executionArnPrefix}:${c.name}`,
    Input: JSON.stringify(c.input),
    InputDetails: { Included: true },
    Name: c.name,
  };
  const tail = { StartDate: c.startDate, StateMachineArn: run.stateMachineArn, Status: c.status, StopDate: c.stopDate };
  if (c.status === 'SUCCEEDED') {
    return { ...common, Output: JSON.stringify(c.output), OutputDetails: { Included: true }, RedriveCount: c.redriveCount ?? 0, RedriveStatus: 'NOT_REDRIVABLE', RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven', ...tail };
  }
  return { Cause: c.cause ?? '', Error: c.error ?? '', ...common, RedriveCount: c.redriveCount ?? 0, RedriveStatus: 'REDRIVABLE_BY_MAP_RUN', ...tail };
}

/** WriterConfig.Transformation on the results: NONE (the records), COMPACT (the outputs), FLATTEN (outputs, arrays flattened one level). */
export function transformResults(transformation: string, run: Pick<MapRunReport, 'stateMachineArn' | 'executionArnPrefix' | 'children'>, out: unknown[]): unknown[] {
  if (transformation === 'NONE') return run.children.map((c) => childRecord(run, c));
  if (transformation === 'FLATTEN') return out.flatMap((o) => (Array.isArray(o) ? o : [o]));
  return out;
}

export interface ResultObject {
  readonly key: string;
  readonly body: string;
}

export interface ResultExport {
  /** The result files, then manifest.json last (AWS writes it once the files are there). */
  readonly objects: readonly ResultObject[];
  /** The Map's ResultWriterDetails. */
  readonly details: { Bucket: string; Key: string };
}

/** The objects a ResultWriter with `Bucket` / `Prefix` writes for a finished map run. */
export function resultExport(run: MapRunReport, bucket: string, prefix: string, config: { Transformation?: string; OutputType?: string } = {}): ResultExport {
  const base = [prefix.replace(/\/+$/, ''), run.id].filter((p) => p !== '').join('/');
  const transformation = config.Transformation ?? 'NONE';
  const format = (values: unknown[]) => (config.OutputType === 'JSONL' ? values.map((v) => JSON.stringify(v)).join('\n') + (values.length ? '\n' : '') : JSON.stringify(values));
  const succeeded = run.children.filter((c) => c.status === 'SUCCEEDED');
  const failed = run.children.filter((c) => c.status === 'FAILED');
  const succeededValues =
    transformation === 'NONE'
      ? succeeded.map((c) => childRecord(run, c))
      : transformResults(
          transformation,
          run,
          succeeded.map((c) => c.output),
        );
  const objects: ResultObject[] = [];
  const files: Record<'FAILED' | 'PENDING' | 'SUCCEEDED', Array<{ Key: string; Size: number }>> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  const add = (status: 'FAILED' | 'SUCCEEDED', values: unknown[]) => {
    if (values.length === 0) return;
    const key = `${base}/${status}_0.json`;
    const body = format(values);
    objects.push({ key, body });
    files[status].push({ Key: key, Size: Buffer.byteLength(body) });
  };
  add('SUCCEEDED', succeededValues);
  // A failed child's result is exported unchanged whatever the Transformation (AWS: as with NONE).
  add(
    'FAILED',
    failed.map((c) => childRecord(run, c)),
  );
  const manifestKey = `${base}/manifest.json`;
  objects.push({ key: manifestKey, body: JSON.stringify({ DestinationBucket: bucket, MapRunArn: run.mapRunArn, ResultFiles: files }) });
  return { objects, details: { Bucket: bucket, Key: manifestKey } };
}
