/** Create/Update/Delete/DescribeComputeEnvironments; status CREATING → VALID as the engine settles it. */
import type { ComputeEnvironmentDetail, CreateComputeEnvironmentRequest, UpdateComputeEnvironmentRequest } from '@aws-sdk/client-batch';
import type { BatchEngine } from '../core/engine';
import { validateTags } from '../core/tags';
import type { BatchHandlers } from './routes';
import { ClientException } from '../../edge/errors';
import { asInput, checkShapes, oneOf, optionalInteger, optionalString, requiredString, stringList, type Input } from './input';
import { decodeToken, fingerprint, pageOfArray, pageSize } from './pagination';

const OBJECTS = ['computeResources', 'eksConfiguration', 'updatePolicy'];
const STATES = ['ENABLED', 'DISABLED'] as const;

function withTags(engine: BatchEngine, d: ComputeEnvironmentDetail): ComputeEnvironmentDetail {
  const tags = d.computeEnvironmentArn ? engine.tags.get(d.computeEnvironmentArn) : undefined;
  return tags ? { ...d, tags } : d;
}

/** UpdatePolicy.jobExecutionTimeoutMinutes: 1 to 7200 in the current model (older models said 360). */
function checkUpdatePolicy(policy: Input | undefined): void {
  if (!policy) return;
  const minutes = optionalInteger(policy, 'jobExecutionTimeoutMinutes');
  if (minutes !== undefined && (minutes < 1 || minutes > 7200)) throw new ClientException(`updatePolicy.jobExecutionTimeoutMinutes must be between 1 and 7200, not ${minutes}`);
}

export function computeEnvironmentHandlers(engine: BatchEngine): BatchHandlers {
  return {
    CreateComputeEnvironment(raw) {
      const input = asInput(raw);
      requiredString(input, 'computeEnvironmentName');
      requiredString(input, 'type');
      oneOf(input, 'type', ['MANAGED', 'UNMANAGED']);
      oneOf(input, 'state', STATES);
      optionalInteger(input, 'unmanagedvCpus');
      optionalString(input, 'serviceRole');
      checkShapes(input, [], OBJECTS);
      if (input.tags !== undefined) validateTags(input.tags);
      return engine.createComputeEnvironment(input as unknown as CreateComputeEnvironmentRequest);
    },

    UpdateComputeEnvironment(raw) {
      const input = asInput(raw);
      requiredString(input, 'computeEnvironment');
      oneOf(input, 'state', STATES);
      optionalInteger(input, 'unmanagedvCpus');
      checkShapes(input, [], OBJECTS);
      checkUpdatePolicy(input.updatePolicy as Input | undefined);
      return engine.updateComputeEnvironment(input as unknown as UpdateComputeEnvironmentRequest);
    },

    DeleteComputeEnvironment(raw) {
      const ref = requiredString(asInput(raw), 'computeEnvironment');
      const [ce] = engine.describeComputeEnvironments([ref]);
      engine.deleteComputeEnvironment(ref);
      if (ce?.computeEnvironmentArn) engine.tags.delete(ce.computeEnvironmentArn);
      return {};
    },

    DescribeComputeEnvironments(raw) {
      const input = asInput(raw);
      const names = stringList(input, 'computeEnvironments', 100);
      const size = pageSize(input.maxResults, 100);
      const fp = fingerprint('DescribeComputeEnvironments', names ?? null);
      const page = pageOfArray(engine.describeComputeEnvironments(names), decodeToken(input.nextToken, fp), size, fp);
      const out: { computeEnvironments: ComputeEnvironmentDetail[]; nextToken?: string } = { computeEnvironments: page.items.map((d) => withTags(engine, d)) };
      if (page.nextToken) out.nextToken = page.nextToken;
      return out;
    },
  };
}
