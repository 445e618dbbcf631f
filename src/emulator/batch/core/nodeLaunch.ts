/**
 * Multi-node launch: a private network for the attempt, the main node first (its address is what
 * the other nodes get as AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS), then the others.
 */
import type { AttemptHost } from './attemptHost';
import { attemptLabels, attemptNetworkName, containerSpec } from './containerSpecs';
import type { AttemptRun, JobRecord } from './jobs';
import type { RunningContainer } from './ports';

export async function startNodes(host: AttemptHost, job: JobRecord, run: AttemptRun): Promise<RunningContainer[]> {
  const { runtime } = host;
  const plan = job.plan;
  const network = attemptNetworkName(run.taskId);
  await runtime.createNetwork(network, attemptLabels(host, job, run));
  run.network = network;
  const started: RunningContainer[] = new Array(plan.numNodes);
  const main = await runtime.start(containerSpec(host, job, run, plan.mainNode, network));
  started[plan.mainNode] = main;
  run.containerIds.push(main.id);
  const rest = Array.from({ length: plan.numNodes }, (_, n) => n).filter((n) => n !== plan.mainNode);
  // Every node that did start joins the attempt (so it is removed with it), even when another failed.
  const results = await Promise.allSettled(rest.map((n) => runtime.start(containerSpec(host, job, run, n, network, main.ipAddress))));
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      started[rest[i]] = r.value;
      run.containerIds.push(r.value.id);
    }
  });
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return started;
}
