/** Create/Update/Delete/Describe/ListSchedulingPolicies over the engine's policy store. */
import type { BatchEngine } from '../core/engine';
import type { CreateSchedulingPolicyInput, UpdateSchedulingPolicyInput } from '../core/schedulingPolicies';
import { validateTags } from '../core/tags';
import { ClientException } from '../../edge/errors';
import type { BatchHandlers } from './routes';
import { asInput, checkShapes, requiredString, stringList } from './input';
import { decodeToken, fingerprint, pageOfArray, pageSize } from './pagination';

export function schedulingPolicyHandlers(engine: BatchEngine): BatchHandlers {
  const policies = engine.schedulingPolicies;
  return {
    CreateSchedulingPolicy(raw) {
      const input = asInput(raw);
      requiredString(input, 'name');
      checkShapes(input, [], ['fairsharePolicy', 'quotaSharePolicy']);
      if (input.tags !== undefined) validateTags(input.tags);
      return policies.create(input as CreateSchedulingPolicyInput);
    },

    UpdateSchedulingPolicy(raw) {
      const input = asInput(raw);
      requiredString(input, 'arn');
      checkShapes(input, [], ['fairsharePolicy', 'quotaSharePolicy']);
      policies.update(input as UpdateSchedulingPolicyInput);
      return {};
    },

    DeleteSchedulingPolicy(raw) {
      const arn = requiredString(asInput(raw), 'arn');
      policies.get(arn);
      const user = engine.describeJobQueues().find((q) => q.schedulingPolicyArn === arn);
      if (user) throw new ClientException(`Cannot delete scheduling policy ${arn}: job queue ${user.jobQueueName} uses it`);
      policies.delete(arn);
      engine.tags.delete(arn);
      return {};
    },

    DescribeSchedulingPolicies(raw) {
      const arns = stringList(asInput(raw), 'arns', 100, true)!;
      return {
        schedulingPolicies: policies.describe(arns).map((p) => {
          const tags = engine.tags.get(p.arn!);
          return tags ? { ...p, tags } : p;
        }),
      };
    },

    ListSchedulingPolicies(raw) {
      const input = asInput(raw);
      const size = pageSize(input.maxResults, 1000, 100);
      const fp = fingerprint('ListSchedulingPolicies', null);
      const page = pageOfArray(policies.arns(), decodeToken(input.nextToken, fp), size, fp);
      const out: { schedulingPolicies: Array<{ arn: string }>; nextToken?: string } = { schedulingPolicies: page.items.map((arn) => ({ arn })) };
      if (page.nextToken) out.nextToken = page.nextToken;
      return out;
    },
  };
}
