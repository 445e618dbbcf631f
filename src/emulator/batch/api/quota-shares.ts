/** Create/Describe/List/Update/DeleteQuotaShare (scheduling by quota share: core/quotaScheduling.ts). */
import type { BatchEngine } from '../core/engine';
import { validateTags } from '../core/tags';
import { ClientException } from '../../edge/errors';
import type { BatchHandlers } from './routes';
import { asInput, checkShapes, requiredString } from './input';
import { decodeToken, fingerprint, pageOfArray, pageSize } from './pagination';

export function quotaShareHandlers(engine: BatchEngine): BatchHandlers {
  const shares = engine.services.quotaShares;
  return {
    CreateQuotaShare(raw) {
      const input = asInput(raw);
      requiredString(input, 'quotaShareName');
      const ref = requiredString(input, 'jobQueue');
      checkShapes(input, ['capacityLimits'], ['resourceSharingConfiguration', 'preemptionConfiguration', 'tags']);
      if (input.tags !== undefined) validateTags(input.tags);
      const [q] = engine.describeJobQueues([ref]);
      if (!q) throw new ClientException(`Job queue ${ref} does not exist`);
      const quotaManaged = q.schedulingPolicyArn !== undefined && engine.schedulingPolicies.find(q.schedulingPolicyArn)?.quotaSharePolicy !== undefined;
      const rec = shares.create(input, { name: q.jobQueueName!, arn: q.jobQueueArn!, sagemaker: q.jobQueueType === 'SAGEMAKER_TRAINING', quotaManaged });
      return { quotaShareName: rec.name, quotaShareArn: rec.detail.quotaShareArn };
    },

    DescribeQuotaShare(raw) {
      const rec = shares.get(requiredString(asInput(raw), 'quotaShareArn'));
      return { ...structuredClone(rec.detail), ...(rec.tags ? { tags: rec.tags } : {}) };
    },

    ListQuotaShares(raw) {
      const input = asInput(raw);
      const ref = requiredString(input, 'jobQueue');
      const [q] = engine.describeJobQueues([ref]);
      if (!q) throw new ClientException(`Job queue ${ref} does not exist`);
      const size = pageSize(input.maxResults, 100);
      const fp = fingerprint('ListQuotaShares', ref);
      const page = pageOfArray(shares.ofQueue(q.jobQueueName!).map((r) => structuredClone(r.detail)), decodeToken(input.nextToken, fp), size, fp);
      const out: { quotaShares: unknown[]; nextToken?: string } = { quotaShares: page.items };
      if (page.nextToken) out.nextToken = page.nextToken;
      return out;
    },

    UpdateQuotaShare(raw) {
      const input = asInput(raw);
      requiredString(input, 'quotaShareArn');
      checkShapes(input, ['capacityLimits'], ['resourceSharingConfiguration', 'preemptionConfiguration']);
      const rec = shares.update(input);
      return { quotaShareName: rec.name, quotaShareArn: rec.detail.quotaShareArn };
    },

    DeleteQuotaShare(raw) {
      shares.delete(requiredString(asInput(raw), 'quotaShareArn'));
      return {};
    },
  };
}
