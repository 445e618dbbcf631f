/**
 * Create/Describe/Update/Delete/ListConsumableResources and ListJobsByConsumableResource over the
 * engine's consumable resources (local semaphores, see core/consumableResources.ts).
 */
import type { BatchEngine } from '../core/engine';
import { consumablesOf } from '../core/consumableResources';
import { toJobSummary } from '../core/detail';
import type { JobRecord } from '../core/jobs';
import { JOB_STATUSES } from '../../../model/types';
import { validateTags } from '../core/tags';
import { ClientException } from '../../edge/errors';
import type { BatchHandlers } from './routes';
import { asInput, optionalList, requiredString } from './input';
import { decodeToken, fingerprint, pageOfArray, pageSize } from './pagination';

type Filter = { readonly name: string; readonly values: readonly string[] };

function filtersOf(raw: unknown, allowed: readonly string[]): Filter[] {
  const list = optionalList(asInput(raw), 'filters') ?? [];
  return list.map((f) => {
    const { name, values } = (f ?? {}) as { name?: unknown; values?: unknown };
    if (typeof name !== 'string' || !allowed.includes(name)) throw new ClientException(`Filter name must be one of ${allowed.join(', ')}, not ${String(name)}`);
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string' && v !== '')) throw new ClientException(`Filter ${name} needs one or more non-empty values`);
    return { name, values: values as string[] };
  });
}

/** Case-insensitive, a trailing `*` matching any rest. */
function nameMatches(patterns: readonly string[], name: string): boolean {
  const n = name.toLowerCase();
  return patterns.some((p) => (p.endsWith('*') ? n.startsWith(p.slice(0, -1).toLowerCase()) : n === p.toLowerCase()));
}

export function consumableResourceHandlers(engine: BatchEngine): BatchHandlers {
  const resources = engine.consumableResources;
  return {
    CreateConsumableResource(raw) {
      const input = asInput(raw);
      if (input.tags !== undefined) validateTags(input.tags);
      return resources.create(input as Parameters<typeof resources.create>[0]);
    },

    DescribeConsumableResource(raw) {
      return resources.describe(requiredString(asInput(raw), 'consumableResource'));
    },

    UpdateConsumableResource(raw) {
      const input = asInput(raw);
      const out = engine.updateConsumableResource(requiredString(input, 'consumableResource'), input.operation, input.quantity);
      return out;
    },

    DeleteConsumableResource(raw) {
      const ref = requiredString(asInput(raw), 'consumableResource');
      const { consumableResourceArn } = resources.describe(ref);
      resources.delete(ref);
      engine.tags.delete(consumableResourceArn);
      return {};
    },

    ListConsumableResources(raw) {
      const input = asInput(raw);
      const filters = filtersOf(raw, ['CONSUMABLE_RESOURCE_NAME']);
      const size = pageSize(input.maxResults, 100);
      const fp = fingerprint('ListConsumableResources', filters);
      const all = resources.list().filter((r) => filters.every((f) => nameMatches(f.values, r.consumableResourceName)));
      const page = pageOfArray(all, decodeToken(input.nextToken, fp), size, fp);
      const consumableResources = page.items.map((r) => ({
        consumableResourceName: r.consumableResourceName,
        consumableResourceArn: r.consumableResourceArn,
        totalQuantity: r.totalQuantity,
        inUseQuantity: r.inUseQuantity,
        resourceType: r.resourceType,
      }));
      return page.nextToken ? { consumableResources, nextToken: page.nextToken } : { consumableResources };
    },

    ListJobsByConsumableResource(raw) {
      const input = asInput(raw);
      const ref = requiredString(input, 'consumableResource');
      const resource = resources.describe(ref);
      const filters = filtersOf(raw, ['JOB_STATUS', 'JOB_NAME']);
      for (const f of filters) {
        if (f.name === 'JOB_STATUS' && !f.values.every((v) => (JOB_STATUSES as readonly string[]).includes(v))) throw new ClientException(`JOB_STATUS values must be among ${JOB_STATUSES.join(', ')}`);
      }
      const size = pageSize(input.maxResults, 100);
      const fp = fingerprint('ListJobsByConsumableResource', [resource.consumableResourceArn, filters]);
      const matching: Array<{ job: JobRecord; quantity: number }> = [];
      for (const job of engine.allJobs()) {
        const need = consumablesOf(job).find((n) => n.resource === resource.consumableResourceName || n.resource === resource.consumableResourceArn);
        if (!need) continue;
        const ok = filters.every((f) => (f.name === 'JOB_STATUS' ? f.values.includes(job.status) : nameMatches(f.values, job.plan.request.jobName ?? '')));
        if (ok) matching.push({ job, quantity: need.quantity });
      }
      const page = pageOfArray(matching, decodeToken(input.nextToken, fp), size, fp);
      const jobs = page.items.map(({ job, quantity }) => consumableJobSummary(engine, job, quantity));
      return page.nextToken ? { jobs, nextToken: page.nextToken } : { jobs };
    },
  };
}

/** A ListJobsByConsumableResource entry. */
function consumableJobSummary(engine: BatchEngine, job: JobRecord, quantity: number): Record<string, unknown> {
  const s = toJobSummary(engine.partition, job);
  const props = (job.plan.request as { consumableResourcePropertiesOverride?: unknown }).consumableResourcePropertiesOverride ?? job.plan.jobDefinition.consumableResourceProperties;
  return {
    jobArn: s.jobArn,
    jobQueueArn: job.plan.queue.arn,
    jobName: s.jobName,
    jobDefinitionArn: job.plan.jobDefinition.jobDefinitionArn,
    ...(job.plan.request.shareIdentifier ? { shareIdentifier: job.plan.request.shareIdentifier } : {}),
    jobStatus: job.status,
    quantity,
    ...(job.statusReason ? { statusReason: job.statusReason } : {}),
    ...(job.startedAt !== undefined ? { startedAt: job.startedAt } : {}),
    createdAt: job.createdAt,
    consumableResourceProperties: structuredClone(props),
  };
}
