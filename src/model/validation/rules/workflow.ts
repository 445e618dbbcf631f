/** Workflow files (`*.workflow.*`): each job's submit-time fields. Graph checks live in the cross-file rules. */
import type { Reporter } from '../reporter';
import { checkEcsEnvironment, checkEksEnvironment, checkEnvironment } from './environment';
import { checkName, checkSchedulingPriority, checkShareIdentifier, checkTags } from './names';
import { checkNodeOverrides } from './nodes';
import { checkContainerResources } from './resources';
import { checkRetryStrategy } from './retry';
import { checkTimeout } from './timeout';
import { arr, entries, get, has, int, isObj, type Path } from './util';

export const MIN_ARRAY_SIZE = 2;
export const MAX_ARRAY_SIZE = 10_000;
export const MAX_DEPENDENCIES = 20;

export function checkWorkflow(doc: unknown, r: Reporter): void {
  for (const [key, job] of entries(get(doc, 'jobs'))) {
    if (isObj(job)) checkWorkflowJob(key, job, ['jobs', key], r);
  }
}

function checkWorkflowJob(key: string, job: Readonly<Record<string, unknown>>, path: Path, r: Reporter): void {
  // M:SubmitJobRequest.jobName: up to 128, first character alphanumeric; the key is the default jobName.
  if (has(job, 'jobName')) checkName(get(job, 'jobName'), 'jobName', [...path, 'jobName'], r, { firstAlphanumeric: true });
  // The schema checks the key's characters and length; only the first-character rule is left.
  else checkName(key, 'job key (the default jobName)', path, r, { onlyFirstCharacter: true, part: 'key' });

  // M:SubmitJobRequest.arrayProperties: "The array size can be between 2 and 10,000."
  const size = int(get(get(job, 'arrayProperties'), 'size'));
  if (size !== undefined && (size < MIN_ARRAY_SIZE || size > MAX_ARRAY_SIZE)) {
    r.error([...path, 'arrayProperties', 'size'], 'array-size-range', `arrayProperties.size is ${size}; an array job has ${MIN_ARRAY_SIZE} to ${MAX_ARRAY_SIZE.toLocaleString('en-US')} children${size === 1 ? ' (for a single job, remove arrayProperties)' : ''}`);
  }
  // M:SubmitJobRequest.dependsOn: "A job can depend upon a maximum of 20 jobs."
  const deps = arr(get(job, 'dependsOn'));
  if (deps && deps.length > MAX_DEPENDENCIES) {
    r.error([...path, 'dependsOn'], 'depends-on-limit', `dependsOn lists ${deps.length} dependencies; AWS Batch allows at most ${MAX_DEPENDENCIES} per job (depend on an aggregating job instead)`, 'key');
  }
  checkRetryStrategy(get(job, 'retryStrategy'), [...path, 'retryStrategy'], r);
  checkTimeout(get(job, 'timeout'), [...path, 'timeout'], r);
  checkOverrides(get(job, 'containerOverrides'), [...path, 'containerOverrides'], 'containerOverrides', r);
  checkNodeOverrides(get(job, 'nodeOverrides'), [...path, 'nodeOverrides'], r, (o, at) => {
    checkOverrides(get(o, 'containerOverrides'), [...at, 'containerOverrides'], `nodeOverrides.nodePropertyOverrides[${String(at[at.length - 1])}].containerOverrides`, r);
    checkEcsEnvironment(get(o, 'ecsPropertiesOverride'), [...at, 'ecsPropertiesOverride'], r);
    checkEksEnvironment(get(o, 'eksPropertiesOverride'), [...at, 'eksPropertiesOverride'], r);
  });
  checkEcsEnvironment(get(job, 'ecsPropertiesOverride'), [...path, 'ecsPropertiesOverride'], r);
  checkEksEnvironment(get(job, 'eksPropertiesOverride'), [...path, 'eksPropertiesOverride'], r);
  checkSchedulingPriority(job, 'schedulingPriorityOverride', path, r);
  if (has(job, 'shareIdentifier')) checkShareIdentifier(get(job, 'shareIdentifier'), [...path, 'shareIdentifier'], r);
  checkTags(get(job, 'tags'), [...path, 'tags'], r);
}

/** M:ContainerOverrides: environment, resources (platform unknown here), command without empty strings. */
function checkOverrides(o: unknown, path: Path, label: string, r: Reporter): void {
  if (!isObj(o)) return;
  checkEnvironment(get(o, 'environment'), [...path, 'environment'], r);
  checkContainerResources(o, path, { platform: 'unknown', requireAmounts: false, label }, r);
  // M:ContainerOverrides.command: "This parameter can't contain an empty string."
  arr(get(o, 'command'))?.forEach((arg, i) => {
    if (arg === '') r.error([...path, 'command', i], 'command-empty-argument', `${label}.command has an empty string at position ${i + 1}; AWS Batch rejects empty arguments in a command override`);
  });
}
