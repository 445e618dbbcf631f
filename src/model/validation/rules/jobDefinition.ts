/** Job definition files (`*.jobdef.*`): a RegisterJobDefinition request. */
import type { Reporter } from '../reporter';
import { checkEcsEnvironment, checkEksEnvironment, checkEnvironment } from './environment';
import { checkName, checkSchedulingPriority, checkTags } from './names';
import { checkNodeProperties } from './nodes';
import { checkCommandPlaceholders, checkNestedCommandPlaceholders } from './parameters';
import { checkContainerResources, type Platform } from './resources';
import { checkRetryStrategy } from './retry';
import { checkTimeout } from './timeout';
import { arr, get, has, isObj, str, type Obj, type Path } from './util';

/** UG:service_limits: "Maximum size of a job definition: 24 KiB". */
export const MAX_JOB_DEFINITION_BYTES = 24 * 1024;

export function checkJobDefinition(doc: unknown, r: Reporter): void {
  if (!isObj(doc)) return;
  checkName(get(doc, 'jobDefinitionName'), 'jobDefinitionName', ['jobDefinitionName'], r);
  const platform = platformOf(doc);
  checkShape(doc, platform, r);
  const defaults = get(doc, 'parameters');
  const cp = get(doc, 'containerProperties');
  // CFN:AWS::Batch::JobDefinition ContainerProperties.Image, "Required: Yes"; RegisterJobDefinition refuses a container without one.
  if (isObj(cp) && !str(get(cp, 'image'))?.trim()) {
    r.error(['containerProperties'], 'container-image', 'containerProperties has no image: name the Docker image the job runs (image: busybox:latest, an ECR URI, or an image localbatch.yaml builds)', 'key');
  }
  if (isObj(cp)) {
    checkContainer(cp, ['containerProperties'], 'containerProperties', platform, get(doc, 'type') === 'container', defaults, r);
  }
  checkNodeProperties(get(doc, 'nodeProperties'), ['nodeProperties'], r, (range, at) => {
    const container = get(range, 'container');
    const label = `node range ${String(at[at.length - 1] as number + 1)} container`;
    if (isObj(container)) checkContainer(container, [...at, 'container'], label, platform, true, defaults, r);
    checkNestedProperties(range, at, defaults, r);
  });
  checkNestedProperties(doc, [], defaults, r);
  checkRetryStrategy(get(doc, 'retryStrategy'), ['retryStrategy'], r);
  checkTimeout(get(doc, 'timeout'), ['timeout'], r);
  checkSchedulingPriority(doc, 'schedulingPriority', [], r);
  checkTags(get(doc, 'tags'), ['tags'], r);
  checkSize(doc, r);
}

/** M:RegisterJobDefinitionRequest.platformCapabilities: defaults to EC2; FARGATE for Fargate. */
function platformOf(doc: Obj): Platform {
  if (has(doc, 'eksProperties')) return 'unknown';
  const caps = arr(get(doc, 'platformCapabilities'));
  if (!caps) return 'EC2';
  if (caps.includes('FARGATE')) return 'FARGATE';
  return caps.every((c) => c === 'EC2') ? 'EC2' : 'unknown';
}

/** M:RegisterJobDefinitionRequest.type / containerProperties / nodeProperties / eksProperties. */
function checkShape(doc: Obj, platform: Platform, r: Reporter): void {
  const rule = 'job-definition-shape';
  const type = str(get(doc, 'type'));
  const bodies = ['containerProperties', 'ecsProperties', 'eksProperties'].filter((k) => has(doc, k));
  if (type === 'container') {
    if (bodies.length === 0) {
      r.error(['type'], rule, 'type is "container" but there is no containerProperties, ecsProperties or eksProperties; add one of them to say what runs');
    }
    for (const extra of bodies.slice(1)) {
      r.error([extra], rule, `${extra} cannot be combined with ${bodies[0]}; a container job definition has exactly one of containerProperties, ecsProperties and eksProperties`, 'key');
    }
    if (has(doc, 'nodeProperties')) {
      r.error(['nodeProperties'], rule, 'nodeProperties makes this a multi-node parallel job; set type to "multinode" or remove nodeProperties', 'key');
    }
  } else if (type === 'multinode') {
    if (!has(doc, 'nodeProperties')) {
      r.error(['type'], rule, 'type is "multinode" but there is no nodeProperties; add nodeProperties (numNodes, mainNode, nodeRangeProperties)');
    }
    for (const extra of bodies) {
      r.error([extra], rule, `a multinode job definition cannot have top-level ${extra}; give each node range its container in nodeProperties.nodeRangeProperties`, 'key');
    }
    if (platform === 'FARGATE') {
      // M:RegisterJobDefinitionRequest.type: "If the job is run on Fargate resources, then multinode isn't supported."
      r.error(['type'], 'fargate-multinode', 'multinode job definitions are not supported on Fargate; use platformCapabilities [EC2] or a container job');
    }
  }
  if (has(doc, 'eksProperties')) {
    // M:RegisterJobDefinitionRequest.platformCapabilities / propagateTags: "If the job runs on Amazon EKS resources, then you must not specify ..."
    for (const field of ['platformCapabilities', 'propagateTags']) {
      if (has(doc, field)) r.error([field], 'eks-unsupported-field', `${field} must not be set in an EKS job definition (eksProperties); remove it`, 'key');
    }
  }
}

/** One ECS container: containerProperties or a node range's container. */
function checkContainer(c: Obj, path: Path, label: string, platform: Platform, requireAmounts: boolean, defaults: unknown, r: Reporter): void {
  checkContainerResources(c, path, { platform, requireAmounts, label }, r);
  checkEnvironment(get(c, 'environment'), [...path, 'environment'], r);
  checkCommandPlaceholders(get(c, 'command'), [...path, 'command'], defaults, r);
  if (platform === 'EC2') {
    // M:ContainerProperties.networkConfiguration / fargatePlatformConfiguration: "Jobs that are running on Amazon EC2 resources must not specify this parameter."
    for (const field of ['networkConfiguration', 'fargatePlatformConfiguration']) {
      if (has(c, field)) {
        r.error([...path, field], 'fargate-only-field', `${label}.${field} is only for Fargate jobs, and this job definition runs on EC2; remove it or set platformCapabilities: [FARGATE]`, 'key');
      }
    }
  } else if (platform === 'FARGATE') {
    // M:ContainerProperties.privileged / ulimits / instanceType: not applicable on Fargate.
    if (get(c, 'privileged') === true) r.warning([...path, 'privileged'], 'fargate-unsupported-field', `${label}.privileged is not supported on Fargate; remove it or set it to false`, 'key');
    for (const field of ['ulimits', 'instanceType']) {
      if (has(c, field)) r.warning([...path, field], 'fargate-unsupported-field', `${label}.${field} does not apply to Fargate jobs and should not be provided`, 'key');
    }
    // M:ContainerProperties.executionRoleArn: "For jobs that run on Fargate resources, you must provide an execution role."
    if (!has(c, 'executionRoleArn')) {
      r.warning(path, 'fargate-execution-role', `${label} has no executionRoleArn; Fargate jobs need an execution role (to pull images and write logs)`, 'key');
    }
  }
}

/** ecsProperties / eksProperties (top level or in a node range): environment and Ref:: placeholders. */
function checkNestedProperties(holder: unknown, path: Path, defaults: unknown, r: Reporter): void {
  const ecs = get(holder, 'ecsProperties');
  const eks = get(holder, 'eksProperties');
  checkEcsEnvironment(ecs, [...path, 'ecsProperties'], r);
  checkEksEnvironment(eks, [...path, 'eksProperties'], r);
  checkNestedCommandPlaceholders({ ecs, eks }, path, defaults, r);
}

/** UG:service_limits: the serialized job definition may be at most 24 KiB. */
function checkSize(doc: Obj, r: Reporter): void {
  let text: string;
  try {
    text = JSON.stringify(doc);
  } catch {
    return; // self-referencing YAML aliases: not a valid request anyway
  }
  if (text.length * 3 <= MAX_JOB_DEFINITION_BYTES) return; // cannot be over the limit: skip counting
  const bytes = utf8Length(text);
  if (bytes > MAX_JOB_DEFINITION_BYTES) {
    r.error([], 'job-definition-size', `the job definition is ${bytes} bytes as a JSON request; AWS Batch allows at most ${MAX_JOB_DEFINITION_BYTES} bytes (24 KiB): move large values (long commands, many parameters) elsewhere`);
  }
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
