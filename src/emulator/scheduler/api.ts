/**
 * The EventBridge Scheduler API (restJson1, signing name `scheduler`): POST/GET/PUT/DELETE
 * /schedules/{Name} and GET /schedules. Errors carry AWS's status (404 ResourceNotFoundException,
 * 409 ConflictException, 400 ValidationException). Changes answer once journaled.
 */
import type { EdgeRequest, EdgeResponse, EdgeService } from '../edge/service';
import { ApiError, SerializationException, UnknownOperationException } from '../edge/errors';
import { SchedulerCore, SchedulerError } from './core/schedules';
import * as schedulerModel from '@aws-sdk/client-scheduler';
import { modelShapes } from '../edge/model-shapes';

/** A member of the wrong JSON type, at any depth (the model @aws-sdk/client-scheduler ships), is the protocol's SerializationException. */
export const checkSchedulerShape = modelShapes(schedulerModel, (m) => new SerializationException(m));

function json(body: unknown): EdgeResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function schedulerService(core: SchedulerCore, committed: () => Promise<void>): EdgeService {
  return {
    name: 'scheduler',
    signingNames: ['scheduler'],
    async handle(req: EdgeRequest): Promise<EdgeResponse> {
      const q = new URLSearchParams(req.rawQuery);
      const m = /^\/schedules(?:\/([^/]+))?\/?$/.exec(req.rawPath);
      if (!m) throw new UnknownOperationException(`localbatch's Scheduler serves /schedules and /schedules/{Name}, not ${req.rawPath}.`);
      const name = m[1] !== undefined ? decodeURIComponent(m[1]) : undefined;
      let body: Record<string, unknown> = {};
      if (req.body.length > 0) {
        try {
          body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
        } catch {
          throw new SerializationException('The request body is not valid JSON.');
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SerializationException('The request body must be a JSON object.');
      }
      try {
        if (name === undefined) {
          if (req.method !== 'GET') throw new UnknownOperationException(`${req.method} /schedules is not an operation.`);
          const max = q.get('MaxResults');
          return json(core.list({ NamePrefix: q.get('NamePrefix') ?? undefined, State: q.get('State') ?? undefined, ScheduleGroup: q.get('ScheduleGroup') ?? undefined, MaxResults: max ? Number(max) : undefined, NextToken: q.get('NextToken') ?? undefined }));
        }
        switch (req.method) {
          case 'POST': {
            checkSchedulerShape('CreateSchedule', body);
            const out = core.create(name, body);
            await committed();
            return json(out);
          }
          case 'PUT': {
            checkSchedulerShape('UpdateSchedule', body);
            const out = core.update(name, body);
            await committed();
            return json(out);
          }
          case 'GET':
            return json(core.get(name, q.get('groupName') ?? undefined));
          case 'DELETE':
            core.delete(name, q.get('groupName') ?? undefined);
            await committed();
            return json({});
          default:
            throw new UnknownOperationException(`${req.method} /schedules/{Name} is not an operation.`);
        }
      } catch (err) {
        if (err instanceof SchedulerError) throw new ApiError(err.type, err.status, err.message);
        throw err;
      }
    },
  };
}
