/**
 * Where rule targets go, by the target ARN's service: a Batch job queue (SubmitJob through the
 * batch engine's public API, as EventBridge submits it: BatchParameters give the job definition,
 * name, array size and attempts; the target's input, when it is a JSON object, gives `Parameters`
 * and `ContainerOverrides` as in the AWS Batch user guide's input transformer example), an SNS
 * topic (Publish), a CloudWatch Logs group (one stream per rule, the event as one log event), and a
 * Step Functions state machine (StartExecution, once that service is wired). Each is a function
 * given by the composition root; a target whose service is missing fails without retries.
 */
import type { Target } from '@aws-sdk/client-eventbridge';
import type { SubmitJobRequest } from '@aws-sdk/client-batch';
import { DeliveryError, type DeliveryContext, type TargetPort } from './core/delivery';

export interface TargetServices {
  /** The batch engine's submitJob; throws the engine's ClientException for bad requests. */
  submitJob?(req: SubmitJobRequest): { jobId?: string; jobName?: string };
  publishSns?(topicArn: string, message: string, subject?: string): Promise<string> | string;
  putLogEvents?(group: string, stream: string, events: ReadonlyArray<{ timestamp: number; message: string }>): void;
  /** Set by the lead once Step Functions lands. */
  startExecution?(stateMachineArn: string, input: string, name?: string): Promise<string> | string;
  /**
   * Resolves once what the targets have done so far is on disk (the Batch journal): PutEvents
   * answers only then, so a job its event submitted survives a SIGKILL after the answer.
   */
  committed?(): Promise<void>;
  now(): number;
}

function object(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

export function targetPort(services: TargetServices): TargetPort {
  return {
    async deliver(target: Target, input: string, ctx: DeliveryContext): Promise<string | undefined> {
      const arn = target.Arn ?? '';
      const service = arn.split(':')[2];
      if (service === 'batch') {
        if (!services.submitJob) throw new DeliveryError('Batch targets are not available in this emulator', false);
        const bp = target.BatchParameters;
        const body = object(input);
        const req: SubmitJobRequest = {
          jobQueue: arn,
          jobDefinition: bp?.JobDefinition,
          jobName: bp?.JobName,
          ...(bp?.ArrayProperties?.Size ? { arrayProperties: { size: bp.ArrayProperties.Size } } : {}),
          ...(bp?.RetryStrategy?.Attempts ? { retryStrategy: { attempts: bp.RetryStrategy.Attempts } } : {}),
          ...(stringMap(body?.Parameters) ? { parameters: stringMap(body?.Parameters) } : {}),
          ...(body?.ContainerOverrides && typeof body.ContainerOverrides === 'object' ? { containerOverrides: lowerFirst(body.ContainerOverrides) as SubmitJobRequest['containerOverrides'] } : {}),
        };
        try {
          const r = services.submitJob(req);
          return `submitted job ${r.jobName ?? ''} ${r.jobId ?? ''}`.trim();
        } catch (err) {
          // The engine refuses bad requests (no such queue or job definition): retrying cannot help.
          const client = err instanceof Error && err.name === 'ClientException';
          throw new DeliveryError(`SubmitJob failed: ${err instanceof Error ? err.message : String(err)}`, !client);
        }
      }
      if (service === 'sns') {
        if (!services.publishSns) throw new DeliveryError('SNS targets are not available in this emulator', false);
        try {
          return `published message ${await services.publishSns(arn, input)}`;
        } catch (err) {
          // SNS refusing the message itself (an empty one, ...): retrying cannot help. A topic that
          // does not exist (404) may be created meanwhile: that is retried.
          throw new DeliveryError(`Publish failed: ${err instanceof Error ? err.message : String(err)}`, !refused(err));
        }
      }
      if (service === 'logs') {
        if (!services.putLogEvents) throw new DeliveryError('CloudWatch Logs targets are not available in this emulator', false);
        const group = /:log-group:([^:]+)(:\*)?$/.exec(arn)?.[1];
        if (!group) throw new DeliveryError(`${arn} is not a log group ARN`, false);
        const stream = typeof ctx.event.id === 'string' ? ctx.event.id : ctx.ruleName;
        services.putLogEvents(group, stream, [{ timestamp: services.now(), message: input }]);
        return `logged to ${group}/${stream}`;
      }
      if (service === 'states') {
        if (!services.startExecution) throw new DeliveryError('Step Functions targets are not wired in this emulator yet', false);
        // (a state machine that does not exist yet is retried: created later, it gets the event)
        return `started execution ${await services.startExecution(arn, input)}`;
      }
      throw new DeliveryError(`localbatch cannot deliver to ${service ?? arn} targets; it delivers to Batch job queues, SNS topics, CloudWatch Logs groups and Step Functions state machines`, false);
    },
  };
}

/** A service's answer that the request itself is wrong (a 4xx other than not found or throttling): the same request fails again. */
function refused(err: unknown): boolean {
  const status = (err as { status?: unknown } | undefined)?.status;
  const name = err instanceof Error ? err.name : '';
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 404 && status !== 429 && !/Throttl/.test(name);
}

/** `ContainerOverrides` in an EventBridge input is written in either case; SubmitJob takes camelCase. */
export function lowerFirst(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(lowerFirst);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k.charAt(0).toLowerCase() + k.slice(1)] = lowerFirst(x);
  return out;
}
