/**
 * Configured capacity of a job as the 2024+ API reports it: ListJobs' `capacityUsage` (VCPU for
 * EC2-style queues) and GetJobQueueSnapshot's `queueUtilization.totalCapacityUsage` (the jobs
 * holding capacity now: STARTING and RUNNING; service jobs count instances by instance type).
 */
import type { JobCapacityUsageSummary, QueueSnapshotUtilizationDetail } from '@aws-sdk/client-batch';
import type { JobPlan, JobRecord } from './jobs';
import type { ServiceJobRecord } from './serviceJobRecord';

/** The vCPUs a job asks for: every node of a multi-node job, every container of a task. */
export function configuredVcpus(plan: JobPlan): number {
  if (plan.nodes) return plan.nodes.reduce((s, n) => s + n.vcpus, 0);
  if (plan.task) return plan.task.reduce((s, c) => s + c.vcpus, 0);
  return plan.vcpus;
}

export function jobCapacityUsage(job: JobRecord): JobCapacityUsageSummary[] {
  // VCPU for EC2, cpu for EKS (API reference, JobCapacityUsageSummary).
  return [{ capacityUnit: job.plan.jobDefinition.eksProperties ? 'cpu' : 'VCPU', quantity: configuredVcpus(job.plan) }];
}

/** queueUtilization of a queue from the jobs holding capacity in it now. */
export function queueUtilization(holding: Iterable<JobRecord>, serviceJobs: Iterable<ServiceJobRecord>, now: number): QueueSnapshotUtilizationDetail {
  const byUnit = new Map<string, number>();
  for (const j of holding) byUnit.set('VCPU', (byUnit.get('VCPU') ?? 0) + configuredVcpus(j.plan));
  for (const s of serviceJobs) byUnit.set(s.training.instanceType, (byUnit.get(s.training.instanceType) ?? 0) + s.training.instanceCount);
  return { totalCapacityUsage: [...byUnit].map(([capacityUnit, quantity]) => ({ capacityUnit, quantity })), lastUpdatedAt: now };
}
