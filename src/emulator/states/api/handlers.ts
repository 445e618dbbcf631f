/**
 * The Step Functions API (awsJson1_0, X-Amz-Target `AWSStepFunctions.<Operation>`) over the
 * StatesService: state machines, executions, history (paged), distributed Map runs, task tokens,
 * validation, tags.
 */
import { randomUUID } from 'node:crypto';
import type { EdgeRequest, EdgeResponse, EdgeService } from '../../edge/service';
import { ApiError } from '../../edge/errors';
import { validateDefinition } from '../core/validate';
import type { ExecutionRecord, StatesService } from '../service';
import { checkArn } from './arns';
import { sfnError } from './errors';
import { historyPage, maxResultsOf } from './history';
import { childExecution, childListItem, childStateMachine, describeChild } from './children';
import { executionDescription } from './describe-execution';
import { redriveExecution, redriveMembers } from './redrive';
import { isStateMachineName } from '../../../model/asl/names';
import { nestingDepth } from '../../../model/values';
import { keysetPage } from '../../keyset-page';
import * as sfnModel from '@aws-sdk/client-sfn';
import { modelShapes } from '../../edge/model-shapes';

/** A member of the wrong JSON type, at any depth (the model @aws-sdk/client-sfn ships), is the protocol's SerializationException. */
export const checkSfnShape = modelShapes(sfnModel, (m) => sfnError('SerializationException', m));

type Input = Record<string, unknown>;
type Handler = (input: Input) => Promise<unknown> | unknown;

/** The API reference's bound on a definition's length. */
const MAX_DEFINITION_CHARS = 1_048_576;

const secs = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function str(input: Input, key: string, required = true): string {
  const v = input[key];
  if (v === undefined && !required) return undefined as unknown as string;
  // (a member of another JSON type is not read at all: the protocol's SerializationException)
  if (v !== undefined && v !== null && typeof v !== 'string') throw sfnError('SerializationException', `The member '${key}' must be a string, not ${Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`}`);
  if (typeof v !== 'string' || (required && v === '')) throw sfnError('ValidationException', `1 validation error detected: Value at '${key[0].toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return v;
}

const deleting = (arn: string) => sfnError('StateMachineDeleting', `State Machine is being deleted: '${arn}' (it is deleted once its running executions end)`);

/** A state machine's or execution's name: its length as the API model bounds it (ValidationException), then its characters (InvalidName). */
function checkName(name: string): void {
  if (name.length > 80) throw sfnError('ValidationException', `1 validation error detected: Value '${name.slice(0, 100)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`);
  if (!isStateMachineName(name)) throw sfnError('InvalidName', `Invalid Name: '${name}'`);
}

/** A page of `items` in the order of `keyOf` (keyset-page.ts); a token this did not give is InvalidToken. */
function page<T>(items: readonly T[], input: Input, keyOf: (item: T) => string): { page: T[]; nextToken?: string } {
  return keysetPage(items, keyOf, maxResultsOf(input), input.nextToken, () => sfnError('InvalidToken', 'Invalid Token: the nextToken was not given by this list; call again without it to list from the start.'));
}

/** Newest first: the start time counted down from the far future, then the ARN. */
const newestFirst = (startDate: number, arn: string) => `${(9_999_999_999_999 - startDate).toString().padStart(13, '0')}|${arn}`;

/** Step Functions' limit on an execution's input and a state's input or output (262,144 bytes). */
const MAX_PAYLOAD_BYTES = 262_144;
/**
 * The deepest nesting of arrays and objects an input or task output may have: a JSON parser's
 * usual bound (Jackson's default is 1,000 levels); deeper values would overflow the stack of the
 * functions that copy and serialise them.
 */
const MAX_DEPTH = 1000;

export function statesHandlers(svc: StatesService, committed: () => Promise<void> = async () => undefined): Record<string, Handler> {
  const machine = (arn: string) => {
    checkArn(arn, 'stateMachine');
    const m = svc.machines.get(arn);
    if (!m) throw sfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  };
  const execution = (arn: string) => {
    checkArn(arn, 'execution');
    const e = svc.executions.get(arn);
    if (!e) throw sfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  };
  /** An execution, or a distributed Map's child workflow execution. */
  const executionOrChild = (arn: string) => {
    checkArn(arn, 'execution');
    const c = svc.executions.has(arn) ? undefined : childExecution(svc, arn);
    return c ? { child: c } : { top: execution(arn) };
  };
  const checkDefinition = (definition: string) => {
    // CreateStateMachine's definition: "Length Constraints: Minimum length of 1. Maximum length of 1048576" (the API reference)
    if (definition.length > MAX_DEFINITION_CHARS) throw sfnError('ValidationException', `1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DEFINITION_CHARS} (this one has ${definition.length})`);
    const problems = validateDefinition(definition);
    if (problems.length) throw sfnError('InvalidDefinition', `Invalid State Machine Definition: '${problems.map((p) => `${p.code} at ${p.location}: ${p.message}`).join(', ')}'`);
  };
  const describeExecution = (e: ExecutionRecord) => executionDescription(e, redriveMembers(svc, e));
  const startInput = (input: Input): string => {
    const raw = input.input === undefined ? '{}' : str(input, 'input');
    // StartExecution's input: "Length Constraints: Maximum length of 262144" (the API reference)
    if (Buffer.byteLength(raw) > MAX_PAYLOAD_BYTES) throw sfnError('ValidationException', `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES} (this input has ${Buffer.byteLength(raw)} bytes)`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw sfnError('InvalidExecutionInput', `Invalid execution input: '${raw.slice(0, 200)}' is not JSON`);
    }
    if (nestingDepth(parsed, MAX_DEPTH) > MAX_DEPTH) throw sfnError('InvalidExecutionInput', `Invalid execution input: it nests arrays and objects more than ${MAX_DEPTH} levels deep`);
    return raw;
  };
  const token = (input: Input) => {
    const t = str(input, 'taskToken');
    const e = svc.byToken(t);
    if (!e) throw sfnError('InvalidToken', 'Invalid Token');
    return { t, e };
  };
  const oneOf = <T extends string>(input: Input, key: string, values: readonly T[]): T | undefined => {
    const v = input[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw sfnError('ValidationException', `1 validation error detected: Value '${String(v).slice(0, 100)}' at '${key}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`);
    return v as T;
  };
  const handlers: Record<string, Handler> = {
    CreateStateMachine(input) {
      const name = str(input, 'name');
      checkName(name);
      const definition = str(input, 'definition');
      checkDefinition(definition);
      const type = oneOf(input, 'type', ['STANDARD', 'EXPRESS']) ?? 'STANDARD';
      const roleArn = str(input, 'roleArn');
      if (!/^arn:[^:]+:iam::[^:]*:role\/.+/.test(roleArn)) throw sfnError('InvalidArn', `Invalid Arn: '${roleArn}': the roleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
      const arn = svc.arn('stateMachine', name);
      const existing = svc.machines.get(arn);
      if (existing?.deleting) throw deleting(arn);
      if (existing) {
        if (existing.definition === definition && existing.roleArn === input.roleArn) return { stateMachineArn: arn, creationDate: secs(existing.creationDate) };
        throw sfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      }
      const now = svc.options.clock.now();
      svc.putMachine({ stateMachineArn: arn, name, definition, roleArn, type, creationDate: now, revisionId: randomUUID(), loggingConfiguration: input.loggingConfiguration, tracingConfiguration: input.tracingConfiguration });
      if (Array.isArray(input.tags)) svc.setTags(arn, Object.fromEntries((input.tags as Array<{ key: string; value: string }>).map((t) => [t.key, t.value])));
      return { stateMachineArn: arn, creationDate: secs(now) };
    },
    UpdateStateMachine(input) {
      const m = machine(str(input, 'stateMachineArn'));
      if (m.deleting) throw deleting(m.stateMachineArn);
      if (input.definition === undefined && input.roleArn === undefined && input.loggingConfiguration === undefined && input.tracingConfiguration === undefined) {
        throw sfnError('MissingRequiredParameter', 'Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified');
      }
      if (input.definition !== undefined) checkDefinition(str(input, 'definition'));
      const now = svc.options.clock.now();
      svc.putMachine({ ...m, definition: (input.definition as string | undefined) ?? m.definition, roleArn: (input.roleArn as string | undefined) ?? m.roleArn, updateDate: now, revisionId: randomUUID() });
      return { updateDate: secs(now), revisionId: svc.machines.get(m.stateMachineArn)!.revisionId };
    },
    DescribeStateMachine(input) {
      const m = machine(str(input, 'stateMachineArn'));
      return { stateMachineArn: m.stateMachineArn, name: m.name, status: m.deleting ? 'DELETING' : 'ACTIVE', definition: m.definition, roleArn: m.roleArn, type: m.type, creationDate: secs(m.creationDate), revisionId: m.revisionId, loggingConfiguration: m.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false }, tracingConfiguration: m.tracingConfiguration ?? { enabled: false } };
    },
    ListStateMachines(input) {
      const p = page([...svc.machines.values()], input, (m) => `${m.name}|${m.stateMachineArn}`);
      return { stateMachines: p.page.map((m) => ({ stateMachineArn: m.stateMachineArn, name: m.name, type: m.type, creationDate: secs(m.creationDate) })), nextToken: p.nextToken };
    },
    DeleteStateMachine(input) {
      const arn = str(input, 'stateMachineArn');
      checkArn(arn, 'stateMachine');
      svc.deleteMachineWhenIdle(arn);
      return {};
    },
    StartExecution(input) {
      // Step Functions Local's mocked test case: `<stateMachineArn>#<TestCase>`.
      const [smArn, testCase] = str(input, 'stateMachineArn').split('#', 2);
      const m = machine(smArn);
      if (m.deleting) throw deleting(m.stateMachineArn);
      const name = input.name === undefined ? undefined : str(input, 'name');
      if (name !== undefined) checkName(name);
      const raw = startInput(input);
      if (name !== undefined) {
        const existing = svc.executions.get(svc.arn(m.type === 'EXPRESS' ? 'express' : 'execution', `${m.name}:${name}`));
        if (existing) {
          if (existing.status === 'RUNNING' && existing.input === raw) return { executionArn: existing.executionArn, startDate: secs(existing.startDate) };
          throw sfnError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
        }
      }
      const e = svc.start(m, name, raw, testCase);
      return { executionArn: e.executionArn, startDate: secs(e.startDate) };
    },
    async StartSyncExecution(input) {
      const m = machine(str(input, 'stateMachineArn'));
      if (m.type !== 'EXPRESS') throw sfnError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
      if (m.deleting) throw deleting(m.stateMachineArn);
      const e = svc.start(m, input.name as string | undefined, startInput(input));
      await e.done;
      const d = describeExecution(e);
      return { ...d, billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, (e.stopDate ?? 0) - e.startDate) } };
    },
    DescribeExecution(input) {
      const e = executionOrChild(str(input, 'executionArn'));
      return e.child ? describeChild(svc, e.child) : describeExecution(e.top);
    },
    ListExecutions(input) {
      const redriveFilter = oneOf(input, 'redriveFilter', ['REDRIVEN', 'NOT_REDRIVEN']);
      const wanted = (redriveCount: number | undefined) => !redriveFilter || (redriveFilter === 'REDRIVEN') === (redriveCount ?? 0) > 0;
      if (input.mapRunArn === undefined && input.stateMachineArn === undefined) throw sfnError('ValidationException', 'Give stateMachineArn (its executions) or mapRunArn (a distributed Map run\'s child executions)');
      if (input.mapRunArn !== undefined) {
        if (input.stateMachineArn !== undefined) throw sfnError('ValidationException', 'Give stateMachineArn or mapRunArn, not both');
        const mapRunArn = str(input, 'mapRunArn');
        checkArn(mapRunArn, 'mapRun');
        if (!svc.mapRuns.has(mapRunArn)) throw sfnError('ResourceNotFound', `Resource not found: '${mapRunArn}'`);
        const filter = oneOf(input, 'statusFilter', ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);
        const children = svc.mapRunChildren.list(mapRunArn).filter((c) => wanted(c.redriveCount) && (!filter || c.status === filter));
        const p = page(children, input, (c) => newestFirst(c.startDate, c.executionArn));
        return { executions: p.page.map(childListItem), nextToken: p.nextToken };
      }
      const arn = str(input, 'stateMachineArn');
      machine(arn);
      const filter = oneOf(input, 'statusFilter', ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);
      const all = [...svc.executions.values()].filter((e) => e.stateMachineArn === arn && wanted(e.redriveCount) && (!filter || e.status === filter));
      const p = page(all, input, (e) => newestFirst(e.startDate, e.executionArn));
      return {
        executions: p.page.map((e) => ({ executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: secs(e.startDate), stopDate: secs(e.stopDate), redriveCount: e.redriveCount ?? 0, redriveDate: secs(e.redriveDate) })),
        nextToken: p.nextToken,
      };
    },
    DescribeMapRun(input) {
      const arn = str(input, 'mapRunArn');
      checkArn(arn, 'mapRun');
      const r = svc.mapRuns.get(arn);
      if (!r) throw sfnError('ResourceNotFound', `Resource not found: '${arn}'`);
      const { startDate, stopDate, stateMachineArn: _child, itemCounts, executionCounts, label: _label, processor: _processor, key: _key, executionRedrive: _ran, redriveCount, redriveDate, ...rest } = r;
      // (a redrive runs again at once what it runs again: nothing is pending redrive)
      const counts = (c: typeof itemCounts) => ({ ...c, failuresNotRedrivable: 0, pendingRedrive: 0 });
      return { ...rest, startDate: secs(startDate), stopDate: secs(stopDate), itemCounts: counts(itemCounts), executionCounts: counts(executionCounts), redriveCount: redriveCount ?? 0, ...(redriveDate !== undefined ? { redriveDate: secs(redriveDate) } : {}) };
    },
    UpdateMapRun(input) {
      const arn = str(input, 'mapRunArn');
      checkArn(arn, 'mapRun');
      const r = svc.mapRuns.get(arn);
      if (!r) throw sfnError('ResourceNotFound', `Resource not found: '${arn}'`);
      const changes: Record<string, number> = {};
      for (const [key, max, whole] of [['maxConcurrency', undefined, true], ['toleratedFailureCount', undefined, true], ['toleratedFailurePercentage', 100, false]] as const) {
        const v = input[key];
        if (v === undefined || v === null) continue;
        // (the model's valid ranges)
        if (typeof v !== 'number' || v < 0 || (max !== undefined && v > max) || (whole && !Number.isInteger(v))) throw sfnError('ValidationException', `1 validation error detected: Value '${String(v)}' at '${key}' failed to satisfy constraint: Member must be ${whole ? 'a whole number ' : ''}${max !== undefined ? `between 0 and ${max}` : 'at least 0'}`);
        changes[key] = v;
      }
      if (!svc.updateMapRun(arn, changes)) throw sfnError('ValidationException', `Map Run '${arn}' is ${r.status}: only a running map run can be updated`);
      return {};
    },
    ListMapRuns(input) {
      const arn = str(input, 'executionArn');
      // (an execution's, or a distributed Map child execution's own)
      executionOrChild(arn);
      const runs = [...svc.mapRuns.values()].filter((r) => r.executionArn === arn);
      const p = page(runs, input, (r) => newestFirst(r.startDate, r.mapRunArn));
      return { mapRuns: p.page.map((r) => ({ executionArn: r.executionArn, mapRunArn: r.mapRunArn, stateMachineArn: r.stateMachineArn, startDate: secs(r.startDate), stopDate: secs(r.stopDate) })), nextToken: p.nextToken };
    },
    GetExecutionHistory(input) {
      const arn = str(input, 'executionArn');
      const e = executionOrChild(arn);
      return historyPage(arn, e.child ? svc.mapRunChildren.data(e.child).events : svc.historyOf(e.top), input, (ms) => ms / 1000);
    },
    async StopExecution(input) {
      const arn = str(input, 'executionArn');
      const child = executionOrChild(arn).child;
      if (child) {
        const run = svc.mapRuns.get(child.mapRunArn);
        throw sfnError('ValidationException', `localbatch stops a distributed Map's child workflow executions with their parent: stop '${run?.executionArn ?? child.mapRunArn}'`);
      }
      const e = execution(arn);
      if (e.run) {
        e.run.stop((input.error as string | undefined) ?? '', (input.cause as string | undefined) ?? '');
        await e.done;
      }
      return { stopDate: secs(e.stopDate ?? svc.options.clock.now()) };
    },
    RedriveExecution(input) {
      const arn = str(input, 'executionArn');
      const clientToken = input.clientToken === undefined ? undefined : str(input, 'clientToken');
      const found = executionOrChild(arn);
      if (found.child) {
        const run = svc.mapRuns.get(found.child.mapRunArn);
        throw sfnError('ExecutionNotRedrivable', `Execution '${arn}' cannot be redriven: it is a child workflow execution of a distributed Map; redrive its parent '${run?.executionArn ?? found.child.mapRunArn}'`);
      }
      return redriveExecution(svc, found.top, clientToken);
    },
    DescribeStateMachineForExecution(input) {
      const found = executionOrChild(str(input, 'executionArn'));
      if (found.child) return childStateMachine(svc, found.child);
      const e = found.top;
      const m = svc.machines.get(e.stateMachineArn);
      return { stateMachineArn: e.stateMachineArn, name: m?.name ?? e.stateMachineArn.split(':').at(-1), definition: e.definition, roleArn: e.roleArn, updateDate: secs(m?.updateDate ?? m?.creationDate ?? e.startDate), revisionId: m?.revisionId };
    },
    SendTaskSuccess(input) {
      const { t, e } = token(input);
      let output: unknown;
      try {
        output = JSON.parse(str(input, 'output'));
      } catch {
        throw sfnError('InvalidOutput', 'Invalid Output: the output is not JSON');
      }
      if (nestingDepth(output, MAX_DEPTH) > MAX_DEPTH) throw sfnError('InvalidOutput', `Invalid Output: it nests arrays and objects more than ${MAX_DEPTH} levels deep`);
      if (!e.run?.complete(t, { output })) throw sfnError('TaskTimedOut', 'Task Timed Out: the task is no longer waiting for this token');
      return {};
    },
    SendTaskFailure(input) {
      const { t, e } = token(input);
      if (!e.run?.complete(t, { error: (input.error as string | undefined) ?? '', cause: (input.cause as string | undefined) ?? '' })) throw sfnError('TaskTimedOut', 'Task Timed Out: the task is no longer waiting for this token');
      return {};
    },
    SendTaskHeartbeat(input) {
      const { t, e } = token(input);
      if (!e.run?.complete(t, 'heartbeat')) throw sfnError('TaskTimedOut', 'Task Timed Out: the task is no longer waiting for this token');
      return {};
    },
    ValidateStateMachineDefinition(input) {
      const diagnostics = validateDefinition(str(input, 'definition')).map((d) => ({ severity: 'ERROR', code: d.code, message: d.message, location: d.location }));
      return { result: diagnostics.length ? 'FAIL' : 'OK', diagnostics, truncated: false };
    },
    TagResource(input) {
      const arn = str(input, 'resourceArn');
      checkArn(arn, 'resource');
      if (!svc.machines.has(arn)) throw sfnError('ResourceNotFound', `Resource not found: '${arn}'`);
      const tags = { ...(svc.tags.get(arn) ?? {}) };
      for (const t of (input.tags as Array<{ key: string; value: string }>) ?? []) tags[t.key] = t.value;
      svc.setTags(arn, tags);
      return {};
    },
    UntagResource(input) {
      const arn = str(input, 'resourceArn');
      checkArn(arn, 'resource');
      if (!svc.machines.has(arn)) throw sfnError('ResourceNotFound', `Resource not found: '${arn}'`);
      const tags = { ...(svc.tags.get(arn) ?? {}) };
      for (const k of (input.tagKeys as string[]) ?? []) delete tags[k];
      svc.setTags(arn, tags);
      return {};
    },
    ListTagsForResource(input) {
      const arn = str(input, 'resourceArn');
      checkArn(arn, 'resource');
      if (!svc.machines.has(arn)) throw sfnError('ResourceNotFound', `Resource not found: '${arn}'`);
      return { tags: Object.entries(svc.tags.get(arn) ?? {}).map(([key, value]) => ({ key, value })) };
    },
  };
  void committed;
  return handlers;
}

/** The Step Functions EdgeService for startApiServer({ services }). */
export function statesEdgeService(svc: StatesService): EdgeService {
  const handlers = statesHandlers(svc);
  return {
    name: 'states',
    signingNames: ['states'],
    // (a definition of up to 1,048,576 characters, escaped in a JSON request: more than the edge's 1 MiB)
    maxBodyBytes: 8 * 1024 * 1024,
    targetPrefixes: ['AWSStepFunctions.'],
    async handle(req: EdgeRequest): Promise<EdgeResponse> {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
      const handler = handlers[op];
      if (!handler) throw new ApiError('UnknownOperationException', 400, `The operation '${op || target}' is not supported by this Step Functions endpoint`);
      let input: Input;
      try {
        const text = req.body.length ? req.body.toString('utf8') : '{}';
        input = JSON.parse(text) as Input;
        if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new Error('not an object');
      } catch {
        throw new ApiError('SerializationException', 400, 'The request body is not a JSON object');
      }
      checkSfnShape(op, input);
      const result = await handler(input);
      return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(result ?? {}) };
    },
  };
}
