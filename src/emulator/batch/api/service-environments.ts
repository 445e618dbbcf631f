/** Create/Describe/Update/DeleteServiceEnvironment(s) (status CREATING/UPDATING → VALID one tick later). */
import type { CreateServiceEnvironmentRequest, UpdateServiceEnvironmentRequest } from '@aws-sdk/client-batch';
import type { BatchEngine } from '../core/engine';
import type { ServiceEnvironmentRecord } from '../core/serviceEnvironments';
import { validateTags } from '../core/tags';
import type { BatchHandlers } from './routes';
import { asInput, checkShapes, oneOf, requiredString, stringList } from './input';
import { decodeToken, fingerprint, pageOfArray, pageSize } from './pagination';

export function serviceEnvironmentHandlers(engine: BatchEngine): BatchHandlers {
  const envs = engine.services.environments;
  const settleLater = (rec: ServiceEnvironmentRecord) =>
    queueMicrotask(() => {
      envs.settle(rec);
      engine.services.jobs.requestPass();
    });
  return {
    CreateServiceEnvironment(raw) {
      const input = asInput(raw);
      requiredString(input, 'serviceEnvironmentName');
      requiredString(input, 'serviceEnvironmentType');
      oneOf(input, 'state', ['ENABLED', 'DISABLED']);
      checkShapes(input, ['capacityLimits'], ['tags']);
      if (input.tags !== undefined) validateTags(input.tags);
      const rec = envs.create(input as unknown as CreateServiceEnvironmentRequest);
      settleLater(rec);
      return { serviceEnvironmentName: rec.name, serviceEnvironmentArn: rec.arn };
    },

    UpdateServiceEnvironment(raw) {
      const input = asInput(raw);
      requiredString(input, 'serviceEnvironment');
      oneOf(input, 'state', ['ENABLED', 'DISABLED']);
      checkShapes(input, ['capacityLimits'], []);
      const rec = envs.update(input as unknown as UpdateServiceEnvironmentRequest);
      settleLater(rec);
      return { serviceEnvironmentName: rec.name, serviceEnvironmentArn: rec.arn };
    },

    DeleteServiceEnvironment(raw) {
      const rec = envs.delete(requiredString(asInput(raw), 'serviceEnvironment'), (arn) => engine.services.environmentInUse(arn));
      settleLater(rec);
      return {};
    },

    DescribeServiceEnvironments(raw) {
      const input = asInput(raw);
      const names = stringList(input, 'serviceEnvironments', 100);
      const size = pageSize(input.maxResults, 100);
      const fp = fingerprint('DescribeServiceEnvironments', names ?? null);
      const page = pageOfArray(envs.describe(names), decodeToken(input.nextToken, fp), size, fp);
      const out: { serviceEnvironments: unknown[]; nextToken?: string } = { serviceEnvironments: page.items };
      if (page.nextToken) out.nextToken = page.nextToken;
      return out;
    },
  };
}
