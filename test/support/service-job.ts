/**
 * A job run on an in-process LocalService (real Docker) to its end: registers a job definition
 * with `container` (half a vCPU, 128 MiB unless it says otherwise), submits it to the local queue,
 * and returns its final detail and its log.
 */
import type { JobDetail, ResourceRequirement } from '@aws-sdk/client-batch';
import type { LocalService } from '../../src/emulator/service';

const RESOURCES: ResourceRequirement[] = [{ type: 'VCPU', value: '0.5' }, { type: 'MEMORY', value: '128' }];

export async function runJobToEnd(service: LocalService, container: Record<string, unknown>, timeoutMs = 120_000): Promise<{ d: JobDetail; out: string }> {
  const e = service.host.engine;
  const def = e.registerJobDefinition({ jobDefinitionName: `d${Date.now()}`, type: 'container', containerProperties: { resourceRequirements: RESOURCES, ...container } as never }).jobDefinitionArn;
  const id = e.submitJob({ jobName: 'j', jobQueue: 'local', jobDefinition: def }).jobId;
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = e.describeJobs([id])[0];
    if (d.status === 'SUCCEEDED' || d.status === 'FAILED') return { d, out: service.host.logs.events(d.container?.logStreamName ?? '').map((ev) => ev.message).join('\n') };
    if (Date.now() > end) throw new Error(`timed out waiting for job ${id}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
