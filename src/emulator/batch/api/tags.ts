/**
 * TagResource, UntagResource, ListTagsForResource on job, job definition, job queue, compute
 * environment and scheduling policy ARNs. An ARN must name an existing resource exactly (region
 * and account included); the resource's create-time tags are the starting set.
 */
import { resourceOf } from '../core/arns';
import type { BatchEngine } from '../core/engine';
import type { Tags } from '../core/tags';
import { ClientException } from '../../edge/errors';
import type { BatchHandlers } from './routes';
import { asInput, requiredString, stringList } from './input';

/** The current tags of the resource `arn` names (the store's, else its own); throws when there is none. */
function currentTags(engine: BatchEngine, arn: string): Tags {
  const stored = engine.tags.get(arn);
  const own = ownTags(engine, arn);
  if (own === undefined) throw new ClientException(`Resource ${arn} does not exist or is not a taggable AWS Batch resource`);
  return stored ?? own;
}

/** The resource's create-time tags ({} when none), or undefined when the ARN names nothing. */
function ownTags(engine: BatchEngine, arn: string): Tags | undefined {
  const job = resourceOf(arn, 'job');
  if (job !== undefined) {
    const [d] = engine.describeJobs([job]);
    return d && d.jobArn === arn ? { ...d.tags } : undefined;
  }
  const def = resourceOf(arn, 'job-definition');
  if (def !== undefined) {
    if (!/:\d+$/.test(def)) return undefined;
    const [d] = engine.describeJobDefinitions({ jobDefinitions: [arn] });
    return d && d.jobDefinitionArn === arn ? { ...d.tags } : undefined;
  }
  const queue = resourceOf(arn, 'job-queue');
  if (queue !== undefined) {
    const [q] = engine.describeJobQueues([arn]);
    return q && q.jobQueueArn === arn ? { ...q.tags } : undefined;
  }
  const ce = resourceOf(arn, 'compute-environment');
  if (ce !== undefined) {
    const [c] = engine.describeComputeEnvironments([arn]);
    return c && c.computeEnvironmentArn === arn ? { ...c.tags } : undefined;
  }
  if (resourceOf(arn, 'scheduling-policy') !== undefined) {
    const p = engine.schedulingPolicies.find(arn);
    return p ? { ...p.tags } : undefined;
  }
  return undefined;
}

export function tagHandlers(engine: BatchEngine): BatchHandlers {
  return {
    ListTagsForResource(raw) {
      const arn = requiredString(asInput(raw), 'resourceArn');
      return { tags: currentTags(engine, arn) };
    },

    TagResource(raw) {
      const input = asInput(raw);
      const arn = requiredString(input, 'resourceArn');
      if (input.tags === undefined || input.tags === null) throw new ClientException('tags is required');
      if (Object.keys(input.tags).length === 0) throw new ClientException('tags must hold at least one tag');
      engine.tags.tag(arn, currentTags(engine, arn), input.tags);
      return {};
    },

    UntagResource(raw) {
      const input = asInput(raw);
      const arn = requiredString(input, 'resourceArn');
      const keys = stringList(input, 'tagKeys', 50, true)!;
      if (keys.length === 0) throw new ClientException('tagKeys must name at least one tag key');
      engine.tags.untag(arn, currentTags(engine, arn), keys);
      return {};
    },
  };
}
