/**
 * Multi-node parallel jobs: which container each node runs. A job definition's
 * `nodeProperties.nodeRangeProperties` give containers to ranges of node indexes (`targetNodes`
 * "0", "1:3", "2:", ":3", inclusive; a later range wins where ranges overlap), and SubmitJob's
 * `nodeOverrides.nodePropertyOverrides` override ranges the same way. Pure: no I/O.
 */
import type { ContainerOverrides, ContainerProperties, JobDefinition, SubmitJobRequest } from '@aws-sdk/client-batch';
import { invalid } from './errors';

/** The node indexes a `targetNodes` range covers, for a job of `numNodes` nodes. */
export function nodeRange(targetNodes: string | undefined, numNodes: number): [number, number] {
  const t = (targetNodes ?? '').trim();
  const m = /^(\d*)(?::(\d*))?$/.exec(t);
  if (!m || t === '' || t === ':') invalid(`targetNodes ${JSON.stringify(targetNodes)} is not a node index or range (e.g. "0", "1:3", "2:")`);
  const from = m[1] === '' ? 0 : Number(m[1]);
  const to = m[2] === undefined ? from : m[2] === '' ? numNodes - 1 : Number(m[2]);
  if (from > to || to >= numNodes) invalid(`targetNodes ${t} is outside the job's ${numNodes} nodes`);
  return [from, to];
}

export interface NodeContainer {
  readonly container: ContainerProperties;
  readonly overrides?: ContainerOverrides;
}

/** Each node's container properties and overrides, index = node index. */
export function nodeContainers(def: JobDefinition, req: SubmitJobRequest, numNodes: number): NodeContainer[] {
  const out: Array<{ container?: ContainerProperties; overrides?: ContainerOverrides; eks?: boolean }> = Array.from({ length: numNodes }, () => ({}));
  for (const r of def.nodeProperties?.nodeRangeProperties ?? []) {
    if (!r.container) {
      if (!r.eksProperties) continue;
      const [from, to] = nodeRange(r.targetNodes, numNodes);
      for (let i = from; i <= to; i++) out[i].eks = true;
      continue;
    }
    const [from, to] = nodeRange(r.targetNodes, numNodes);
    for (let i = from; i <= to; i++) out[i].container = r.container;
  }
  for (const o of req.nodeOverrides?.nodePropertyOverrides ?? []) {
    if (!o.containerOverrides) continue;
    const [from, to] = nodeRange(o.targetNodes, numNodes);
    for (let i = from; i <= to; i++) out[i].overrides = o.containerOverrides;
  }
  return out.map((n, i) => {
    if (!n.container && n.eks) {
      invalid(`Job definition ${def.jobDefinitionName} is a multi-node EKS job (eksProperties in its node ranges), which localbatch does not run: run it on AWS, or give the node ranges container properties to run it locally`);
    }
    if (!n.container) invalid(`Node ${i} of job definition ${def.jobDefinitionName} is in no node range with a container`);
    return { container: n.container, overrides: n.overrides };
  });
}
