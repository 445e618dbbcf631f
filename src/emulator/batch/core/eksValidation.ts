/**
 * An `eksProperties` job definition checked at RegisterJobDefinition, as AWS Batch checks it there
 * (not first at SubmitJob): at least one container; unique container names; cpu and memory given as
 * Kubernetes quantities, cpu a multiple of 0.25 vCPU and memory at least 4 MiB, a memory limit equal
 * to its request and a cpu limit not under its request; every volume mount naming a pod volume.
 */
import type { EksContainer, EksProperties } from '@aws-sdk/client-batch';
import { cpuOf, memoryOf } from './eksPod';
import { invalid } from './errors';

export function validateEksProperties(eks: EksProperties): void {
  const pod = eks.podProperties;
  if (!pod?.containers?.length) invalid('eksProperties.podProperties.containers must hold at least one container');
  const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
  const names = new Set<string>();
  for (const [i, c] of [...(pod.initContainers ?? []), ...pod.containers].entries()) {
    const name = c.name ?? `container ${i + 1}`;
    if (c.name !== undefined) {
      if (names.has(c.name)) invalid(`Container name ${c.name} is used twice in the pod`);
      names.add(c.name);
    }
    if (!c.image) invalid(`Container ${name} needs an image`);
    checkResources(c, name);
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.has(m.name)) invalid(`Container ${name} mounts volume ${String(m.name)}, which the pod does not define`);
    }
  }
}

function checkResources(c: EksContainer, name: string): void {
  const { limits = {}, requests = {} } = c.resources ?? {};
  for (const [where, r] of [['limits', limits], ['requests', requests]] as const) {
    const cpu = cpuOf(r.cpu);
    if (cpu !== undefined && (cpu <= 0 || Math.abs(cpu * 4 - Math.round(cpu * 4)) > 1e-9)) invalid(`Container ${name}: ${where}.cpu ${r.cpu} must be a multiple of 0.25 vCPU`);
    const memory = memoryOf(r.memory);
    if (memory !== undefined && memory < 4) invalid(`Container ${name}: ${where}.memory ${r.memory} must be at least 4 MiB`);
  }
  if (limits.memory !== undefined && requests.memory !== undefined && memoryOf(limits.memory) !== memoryOf(requests.memory)) {
    invalid(`Container ${name}: limits.memory (${limits.memory}) must equal requests.memory (${requests.memory})`);
  }
  if (limits.cpu !== undefined && requests.cpu !== undefined && cpuOf(limits.cpu)! < cpuOf(requests.cpu)!) {
    invalid(`Container ${name}: limits.cpu (${limits.cpu}) must be at least requests.cpu (${requests.cpu})`);
  }
}
