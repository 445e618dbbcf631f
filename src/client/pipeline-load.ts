/**
 * Puts a workspace's event-driven resources (read from its templates: rules, schedules, SNS topics
 * and subscriptions, buckets with EventBridge notifications) into a running emulator through the
 * same APIs a user's client would call: the Batch definitions their targets use (Register/Create),
 * CreateTopic, Subscribe, CreateBucket + PutBucketNotificationConfiguration, PutRule + PutTargets
 * (targets the template no longer lists are removed), CreateSchedule / UpdateSchedule. Loading again
 * updates what is there. Returns one line per resource for the user.
 */
import { createHash } from 'node:crypto';
import type { CreateComputeEnvironmentRequest, CreateJobQueueRequest, RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import { DeleteRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, type Target } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, HeadBucketCommand, PutBucketNotificationConfigurationCommand, S3Client, type TopicConfiguration } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, SchedulerClient, UpdateScheduleCommand, type CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { BatchClient } from '@aws-sdk/client-batch';
import type { PipelineResource } from '../model/iac';
import { asArr, asStr, prop } from '../model/values';
import type { DefinitionEntry, Workspace } from '../model/workspace';
import type { EmulatorEndpoint } from './endpoint';
import { LOCAL_PROTOCOLS, subscribeDeclared, unloadSns } from './pipeline-sns';
import { isNothing, keyOf, loadedFrom, NOTHING_LOADED, subscriptionOf, type LoadedTemplates, type PipelineGone } from './pipeline-state';
import { whereIs } from './pipeline-where';
import { registerDefinitions } from './register';

export interface PipelineSet {
  readonly rules: PipelineResource[];
  readonly schedules: PipelineResource[];
  readonly topics: PipelineResource[];
  readonly subscriptions: PipelineResource[];
  readonly buckets: PipelineResource[];
}

/** Every template's pipeline resources (or only those of the templates whose file `include` accepts). */
export function pipelineOf(ws: Workspace, include: (file: string) => boolean = () => true): PipelineSet {
  const out: PipelineSet = { rules: [], schedules: [], topics: [], subscriptions: [], buckets: [] };
  for (const t of ws.templates) {
    if (!t.pipeline || !include(t.doc.file)) continue;
    out.rules.push(...t.pipeline.rules);
    out.schedules.push(...t.pipeline.schedules);
    out.topics.push(...t.pipeline.topics);
    out.subscriptions.push(...t.pipeline.subscriptions);
    out.buckets.push(...t.pipeline.buckets);
  }
  return out;
}

export function isEmpty(p: PipelineSet): boolean {
  return p.rules.length + p.schedules.length + p.topics.length + p.subscriptions.length === 0;
}

const QUEUE_ARN = /^arn:[^:]+:batch:[^:]*:[^:]*:job-queue\/(.+)$/;

/** The job queues, their compute environments and the job definitions the targets submit to. */
function targetDefinitions(ws: Workspace, p: PipelineSet): { computeEnvironments: DefinitionEntry[]; jobQueues: DefinitionEntry[]; jobDefinitions: DefinitionEntry[] } {
  const queues = new Map<string, DefinitionEntry>();
  const defs = new Map<string, DefinitionEntry>();
  const ces = new Map<string, DefinitionEntry>();
  const use = (queue: string | undefined, jd: string | undefined) => {
    const q = queue ? ws.jobQueue(QUEUE_ARN.exec(queue)?.[1] ?? queue) : undefined;
    if (q) queues.set(q.name, q);
    const d = jd ? ws.jobDefinition(jd) : undefined;
    if (d) defs.set(d.name, d);
  };
  for (const r of p.rules) for (const t of asArr(r.value.Targets) ?? []) use(asStr(prop(t, 'Arn')), asStr(prop(prop(t, 'BatchParameters'), 'JobDefinition')));
  for (const s of p.schedules) {
    const input = asStr(prop(s.value.Target, 'Input'));
    let body: unknown;
    try {
      body = input ? JSON.parse(input) : undefined;
    } catch {
      body = undefined;
    }
    use(asStr(prop(body, 'JobQueue')), asStr(prop(body, 'JobDefinition')));
  }
  for (const q of queues.values()) {
    for (const o of asArr(q.value.computeEnvironmentOrder) ?? []) {
      const ce = ws.computeEnvironment(asStr(prop(o, 'computeEnvironment')) ?? '');
      if (ce) ces.set(ce.name, ce);
    }
  }
  return { computeEnvironments: [...ces.values()], jobQueues: [...queues.values()], jobDefinitions: [...defs.values()] };
}

export interface PipelineClients {
  readonly events: EventBridgeClient;
  readonly scheduler: SchedulerClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
  destroy(): void;
}

export function pipelineClients(endpoint: EmulatorEndpoint): PipelineClients {
  const config = { endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 2 };
  const c = { events: new EventBridgeClient(config), scheduler: new SchedulerClient(config), sns: new SNSClient(config), s3: new S3Client({ ...config, forcePathStyle: true }) };
  return { ...c, destroy: () => Object.values(c).forEach((x) => x.destroy()) };
}

/** What a load did: one line per resource loaded or deleted, and one per resource it could not load or delete. */
export interface LoadResult {
  readonly lines: string[];
  /** `file:line: kind name: why`, one per resource that failed (the others were loaded). */
  readonly problems: string[];
}

/**
 * Loads `p` into the emulator at `endpoint`, each resource on its own (one that fails is a problem
 * that names it, and the rest are loaded). `previous`: what the last load of the same templates
 * put in, so a subscription's attributes the templates no longer set are reset.
 */
export async function loadPipeline(endpoint: EmulatorEndpoint, batch: BatchClient, ws: Workspace, p: PipelineSet, previous?: LoadedTemplates): Promise<LoadResult> {
  const lines: string[] = [];
  const problems: string[] = [];
  const attempt = async (r: PipelineResource | undefined, what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      const message = `${err instanceof Error ? err.message : String(err)}${argumentsOf(err)}`;
      problems.push(`${r ? `${whereIs(r, message)}: ` : ''}${what}: ${message}`);
    }
  };
  const defs = targetDefinitions(ws, p);
  if (defs.jobQueues.length + defs.jobDefinitions.length > 0) {
    await attempt(undefined, 'the job queues and definitions the targets use', () => registerDefinitions(batch, {
      computeEnvironments: defs.computeEnvironments.map((e) => e.value as unknown as CreateComputeEnvironmentRequest),
      jobQueues: defs.jobQueues.map((e) => e.value as unknown as CreateJobQueueRequest),
      jobDefinitions: defs.jobDefinitions.map((e) => e.value as unknown as RegisterJobDefinitionRequest),
    }).then(() => undefined));
  }
  const now = loadedFrom(p);
  const c = pipelineClients(endpoint);
  try {
    // A topic several templates declare is created once.
    const topics = [...new Map(p.topics.map((t) => [asStr(t.value.TopicArn) ?? t.name, t])).values()];
    for (const t of topics) {
      await attempt(t, `topic ${t.name}`, async () => {
        await c.sns.send(new CreateTopicCommand({ Name: t.name }));
        lines.push(`topic ${t.name}`);
      });
    }
    const byKey = new Map<string, PipelineResource[]>();
    for (const s of p.subscriptions) byKey.set(keyOf(subscriptionOf(s)), [...(byKey.get(keyOf(subscriptionOf(s))) ?? []), s]);
    for (const declared of byKey.values()) {
      const { protocol, endpoint: to, topicArn } = subscriptionOf(declared[0]!);
      if (!LOCAL_PROTOCOLS.has(protocol)) {
        lines.push(`subscription ${protocol} ${to} to ${topicArn.split(':').pop()}: not loaded (the local SNS delivers to http, https, email and email-json)`);
        continue;
      }
      await attempt(declared[0], `subscription ${protocol} ${to}`, async () => {
        lines.push((await subscribeDeclared(c.sns, declared, previous, now)).line);
      });
    }
    for (const b of p.buckets) {
      await attempt(b, `bucket ${b.name}`, async () => {
        const exists = await c.s3.send(new HeadBucketCommand({ Bucket: b.name })).then(() => true, () => false);
        if (!exists) await c.s3.send(new CreateBucketCommand({ Bucket: b.name }));
        const eventBridge = b.value.EventBridgeEnabled === true;
        // (a configuration whose shape the template reader could not take is not loaded: `validate` reports it)
        const declaredTopics = (asArr(b.value.TopicConfigurations) ?? []) as Array<TopicConfiguration & { Problem?: string }>;
        // (one without an Id gets one made from what it says, so a reload or restart keeps it: S3 would make a random one each time)
        const topics = declaredTopics.filter((t) => t.Problem === undefined).map((t) => (t.Id ? t : { ...t, Id: createHash('sha256').update(JSON.stringify([b.name, t.TopicArn, t.Events, t.Filter ?? null])).digest('base64url').slice(0, 22) }));
        // (topic configurations none of which can be loaded: an empty configuration, not the last load's)
        if (eventBridge || declaredTopics.length > 0) {
          await c.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: b.name, NotificationConfiguration: { ...(eventBridge ? { EventBridgeConfiguration: {} } : {}), ...(topics.length > 0 ? { TopicConfigurations: topics } : {}) } }));
        }
        const to = [...new Set(topics.map((t) => String(t.TopicArn).split(':').pop()))];
        const unloaded = (asArr(b.value.QueueConfigurations)?.length ?? 0) + (asArr(b.value.LambdaFunctionConfigurations)?.length ?? 0);
        lines.push(`bucket ${b.name}${exists ? '' : ' (created)'}${eventBridge ? ', EventBridge notifications on' : ''}${to.length > 0 ? `, notifications to topic ${to.join(', ')}` : ''}${unloaded > 0 ? `; its ${unloaded} queue and Lambda notification configuration(s) not loaded (no local SQS or Lambda)` : ''}${declaredTopics.length > topics.length ? `; ${declaredTopics.length - topics.length} topic configuration(s) not loaded: \`localbatch validate\` says what is wrong with them` : ''}`);
      });
    }
    // A rule several templates declare under one name: the last one is loaded, and that is said.
    const rules = new Map<string, PipelineResource[]>();
    for (const r of p.rules) rules.set(r.name, [...(rules.get(r.name) ?? []), r]);
    for (const declared of rules.values()) {
      const r = declared.at(-1)!;
      const note = declared.length > 1 ? ` (declared ${declared.length} times, at ${declared.map((r) => whereIs(r)).join(', ')}: the last one is loaded)` : '';
      await attempt(r, `rule ${r.name}`, async () => {
        lines.push(`${await putRule(c, r)}${note}`);
      });
    }
    for (const s of p.schedules) {
      await attempt(s, `schedule ${s.name}`, async () => {
        const input = { FlexibleTimeWindow: { Mode: 'OFF' }, ...s.value, Name: s.name } as unknown as CreateScheduleCommandInput;
        const exists = await c.scheduler.send(new GetScheduleCommand({ Name: s.name, GroupName: input.GroupName })).then(() => true, () => false);
        await c.scheduler.send(exists ? new UpdateScheduleCommand(input) : new CreateScheduleCommand(input));
        lines.push(`schedule ${s.name} (${asStr(s.value.ScheduleExpression) ?? ''}) → ${targetLabel(s.value.Target as Target)}`);
      });
    }
  } finally {
    c.destroy();
  }
  return { lines, problems };
}

/** PutRule, then its targets (those the template no longer lists removed); its line. */
async function putRule(c: PipelineClients, r: PipelineResource): Promise<string> {
  const v = r.value;
  await c.events.send(new PutRuleCommand({ Name: r.name, EventPattern: asStr(v.EventPattern), ScheduleExpression: asStr(v.ScheduleExpression), State: asStr(v.State) as 'ENABLED' | undefined, Description: asStr(v.Description), RoleArn: asStr(v.RoleArn), EventBusName: asStr(v.EventBusName) }));
  const targets = (asArr(v.Targets) ?? []) as Target[];
  const keep = new Set(targets.map((t) => t.Id));
  const old = (await c.events.send(new ListTargetsByRuleCommand({ Rule: r.name }))).Targets ?? [];
  const gone = old.map((t) => t.Id!).filter((id) => !keep.has(id));
  if (gone.length > 0) await c.events.send(new RemoveTargetsCommand({ Rule: r.name, Ids: gone }));
  if (targets.length > 0) {
    const res = await c.events.send(new PutTargetsCommand({ Rule: r.name, Targets: targets }));
    if (res.FailedEntryCount) throw new Error(res.FailedEntries?.map((f) => `${f.TargetId}: ${f.ErrorMessage}`).join('; '));
  }
  const when = asStr(v.ScheduleExpression) ?? 'on events';
  return `rule ${r.name} (${when}${asStr(v.State) === 'DISABLED' ? ', disabled' : ''}) → ${targets.map((t) => targetLabel(t)).join(', ') || 'no targets'}`;
}

/**
 * Deletes rules (their targets first), schedules, topics (with their subscriptions) and
 * subscriptions, as a template that no longer declares them; one line each, and what could not be
 * deleted, which stays in `kept` (to be tried again by the next load). Buckets stay (their folders
 * hold the user's files), without the notifications the templates no longer set on them.
 */
export async function unloadPipeline(endpoint: EmulatorEndpoint, gone: PipelineGone): Promise<{ lines: string[]; problems: string[]; kept: PipelineGone }> {
  if (isNothing(gone)) return { lines: [], problems: [], kept: NOTHING_LOADED };
  const lines: string[] = [];
  const problems: string[] = [];
  const failed = (what: string, err: unknown) => problems.push(`${what} (no longer in the templates) could not be deleted: ${err instanceof Error ? err.message : String(err)}`);
  /** Deletes each of `names`; the ones that could not be deleted (one already gone has no line). */
  const deleteEach = async (kind: string, names: readonly string[], del: (name: string) => Promise<unknown>, done = 'deleted'): Promise<string[]> => {
    const left: string[] = [];
    for (const name of names) {
      try {
        await del(name);
        lines.push(`${kind} ${name} ${done} (no longer in the templates)`);
      } catch (err) {
        if ((err as { name?: string }).name === 'ResourceNotFoundException') continue;
        failed(`${kind} ${name}`, err);
        left.push(name);
      }
    }
    return left;
  };
  const c = pipelineClients(endpoint);
  try {
    const rules = await deleteEach('rule', gone.rules, async (name) => {
      const ids = ((await c.events.send(new ListTargetsByRuleCommand({ Rule: name }))).Targets ?? []).map((t) => t.Id!);
      if (ids.length > 0) await c.events.send(new RemoveTargetsCommand({ Rule: name, Ids: ids }));
      await c.events.send(new DeleteRuleCommand({ Name: name }));
    });
    const schedules = await deleteEach('schedule', gone.schedules, (name) => c.scheduler.send(new DeleteScheduleCommand({ Name: name })));
    // A bucket stays (its folder holds the user's files); the notifications the templates put on it go.
    const buckets = await deleteEach('bucket', gone.buckets, async (name) => {
      await c.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: name, NotificationConfiguration: {} })).catch((err: unknown) => {
        if ((err as { name?: string }).name !== 'NoSuchBucket') throw err;
      });
    }, 'notifications off');
    let sns: Pick<PipelineGone, 'topics' | 'subscriptions'> = NOTHING_LOADED;
    try {
      lines.push(...(await unloadSns(c.sns, gone)));
    } catch (err) {
      failed('a topic or subscription', err);
      sns = gone;
    }
    return { lines, problems, kept: { rules, schedules, topics: sns.topics, subscriptions: sns.subscriptions, buckets } };
  } finally {
    c.destroy();
  }
}

function targetLabel(t: Target | undefined): string {
  const arn = t?.Arn ?? '';
  const queue = QUEUE_ARN.exec(arn)?.[1];
  if (queue) return `job queue ${queue}${t?.BatchParameters?.JobDefinition ? ` (${t.BatchParameters.JobDefinition})` : ''}`;
  return arn.replace(/^arn:[^:]+:/, '');
}

/**
 * What an S3 InvalidArgument error names (its ArgumentName / ArgumentValue members, numbered when
 * there are several, such as the destinations S3 could not validate), as ` (name: value, ...)`.
 */
function argumentsOf(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const e = err as Record<string, unknown>;
  const pairs: string[] = [];
  for (const suffix of ['', '1', '2', '3', '4', '5']) {
    const name = e[`ArgumentName${suffix}`];
    if (typeof name === 'string') pairs.push(`${name}: ${String(e[`ArgumentValue${suffix}`] ?? '')}`);
  }
  return pairs.length > 0 ? ` (${pairs.join(', ')})` : '';
}
