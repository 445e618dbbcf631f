/**
 * The EventBridge API (awsJson1_1, `X-Amz-Target: AWSEvents.<Operation>`, signing name `events`)
 * over the core: each operation reads its JSON input and answers AWS's output shape. A changing
 * operation answers only once its change is journaled (`committed`), a PutEvents only once what
 * its events' targets did is (`targetsCommitted`).
 */
import type { EdgeRequest, EdgeResponse, EdgeService } from '../edge/service';
import { ApiError, SerializationException, UnknownOperationException } from '../edge/errors';
import { EventsCore, EventsError } from './core/bus';
import type { RuleRecord } from './core/rules';
import * as eventsModel from '@aws-sdk/client-eventbridge';
import { modelShapes } from '../edge/model-shapes';

type Input = Record<string, unknown>;

function describe(r: RuleRecord): Record<string, unknown> {
  return {
    Name: r.Name,
    Arn: r.Arn,
    EventPattern: r.EventPattern,
    ScheduleExpression: r.ScheduleExpression,
    State: r.State,
    Description: r.Description,
    RoleArn: r.RoleArn,
    EventBusName: r.EventBusName,
    CreatedBy: r.CreatedBy,
  };
}

function listed(r: RuleRecord): Record<string, unknown> {
  const { CreatedBy: _c, ...rest } = describe(r);
  return rest;
}

export function eventsOperations(core: EventsCore): Record<string, (input: Input) => unknown> {
  return {
    PutRule: (i) => core.putRule(i),
    DescribeRule: (i) => describe(core.describeRule(i)),
    ListRules: (i) => {
      const r = core.listRules(i);
      return { Rules: r.Rules.map(listed), NextToken: r.NextToken };
    },
    DeleteRule: (i) => (core.deleteRule(i), {}),
    EnableRule: (i) => (core.setState(i, 'ENABLED'), {}),
    DisableRule: (i) => (core.setState(i, 'DISABLED'), {}),
    PutTargets: (i) => core.putTargets(i),
    RemoveTargets: (i) => core.removeTargets(i),
    ListTargetsByRule: (i) => core.listTargetsByRule(i),
    PutEvents: (i) => core.putEvents(i),
    TestEventPattern: (i) => core.testEventPattern(i),
    ListRuleNamesByTarget: (i) => {
      const arn = typeof i.TargetArn === 'string' ? i.TargetArn : '';
      return { RuleNames: core.rules.all().filter((r) => r.record.Targets.some((t) => t.Arn === arn)).map((r) => r.record.Name) };
    },
  };
}

const CHANGES = new Set(['PutRule', 'DeleteRule', 'EnableRule', 'DisableRule', 'PutTargets', 'RemoveTargets']);

/**
 * `extra`: localbatch's own operations (`AWSEvents.Localbatch*`, for `localbatch events list|fire`),
 * added by the composition root, which sees rules and schedules together. `targetsCommitted`:
 * resolves once what targets did so far is durable; a PutEvents whose events reached targets
 * answers only once their first attempts have settled and then (a job its event submitted is
 * journaled before the answer, as SubmitJob's is; a delivery that failed has its retry journaled).
 */
export function eventsService(core: EventsCore, committed: () => Promise<void>, extra: Record<string, (input: Input) => unknown> = {}, targetsCommitted: () => Promise<void> = () => Promise.resolve()): EdgeService {
  const ops = eventsOperations(core);
  return {
    name: 'events',
    signingNames: ['events'],
    targetPrefixes: ['AWSEvents.'],
    maxBodyBytes: 1024 * 1024,
    async handle(req: EdgeRequest): Promise<EdgeResponse> {
      const target = req.headers['x-amz-target'];
      const op = typeof target === 'string' && target.startsWith('AWSEvents.') ? target.slice('AWSEvents.'.length) : '';
      const fn = Object.prototype.hasOwnProperty.call(ops, op) ? ops[op] : /^Localbatch[A-Za-z]+$/.test(op) && Object.prototype.hasOwnProperty.call(extra, op) ? extra[op] : undefined;
      if (!fn) throw new UnknownOperationException(`localbatch's EventBridge does not serve ${op || 'this request'}; it serves ${Object.keys(ops).join(', ')}.`, 400);
      let input: unknown;
      try {
        input = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new SerializationException('The request body is not valid JSON.');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SerializationException('The request body must be a JSON object.');
      checkEventsShape(op, input);
      let result: unknown;
      const deliveries = core.deliveries.started;
      try {
        result = fn(input as Input);
      } catch (err) {
        if (err instanceof EventsError) throw new ApiError(err.type, 400, err.message);
        throw err;
      }
      if (CHANGES.has(op)) await committed();
      else if (op === 'PutEvents' && core.deliveries.started !== deliveries) {
        await core.deliveries.settled();
        await targetsCommitted();
      }
      return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(result ?? {}) };
    },
  };
}

/** A member of the wrong JSON type, at any depth (the model @aws-sdk/client-eventbridge ships), is the protocol's SerializationException, as AWS answers it. */
export const checkEventsShape = modelShapes(eventsModel, (m) => new SerializationException(m));
