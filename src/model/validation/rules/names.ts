/** Names, tags, and fair-share fields shared by several kinds. */
import type { Reporter } from '../reporter';
import { entries, get, int, isObj, show, str, type Path } from './util';

export const MAX_NAME_LENGTH = 128;
export const MAX_SCHEDULING_PRIORITY = 9999;
export const MAX_SHARE_IDENTIFIER_LENGTH = 255;

/**
 * M:RegisterJobDefinitionRequest.jobDefinitionName, M:CreateJobQueueRequest.jobQueueName,
 * M:CreateComputeEnvironmentRequest.computeEnvironmentName: up to 128 letters, numbers, hyphens,
 * underscores. M:SubmitJobRequest.jobName adds "The first character must be alphanumeric".
 */
export function checkName(value: unknown, field: string, path: Path, r: Reporter, opts: { firstAlphanumeric?: boolean; onlyFirstCharacter?: boolean; part?: 'key' | 'value' } = {}): void {
  const name = str(value);
  if (name === undefined) return;
  const rule = 'name-format';
  const part = opts.part ?? 'value';
  if (opts.onlyFirstCharacter) {
    if (/^[A-Za-z0-9_-]{1,128}$/.test(name) && !/^[A-Za-z0-9]/.test(name)) {
      r.error(path, rule, `${field} ${show(name)} starts with ${show(name[0])}; a job name must start with a letter or digit`, part);
    }
    return;
  }
  if (name.length === 0) {
    r.error(path, rule, `${field} is empty; give a name of 1 to ${MAX_NAME_LENGTH} letters, digits, hyphens or underscores`, part);
  } else if (name.length > MAX_NAME_LENGTH) {
    r.error(path, rule, `${field} is ${name.length} characters long; AWS Batch allows at most ${MAX_NAME_LENGTH}`, part);
  } else if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    const bad = [...name].find((c) => !/[A-Za-z0-9_-]/.test(c)) ?? '';
    r.error(path, rule, `${field} ${show(name)} contains ${show(bad)}; only letters, digits, hyphens (-) and underscores (_) are allowed`, part);
  } else if (opts.firstAlphanumeric && !/^[A-Za-z0-9]/.test(name)) {
    r.error(path, rule, `${field} ${show(name)} starts with ${show(name[0])}; a job name must start with a letter or digit`, part);
  }
}

/** M:RegisterJobDefinitionRequest.schedulingPriority, M:SubmitJobRequest.schedulingPriorityOverride: 0 to 9999. */
export function checkSchedulingPriority(container: unknown, field: string, path: Path, r: Reporter): void {
  const n = int(get(container, field));
  if (n !== undefined && (n < 0 || n > MAX_SCHEDULING_PRIORITY)) {
    r.error([...path, field], 'scheduling-priority-range', `${field} is ${n}; AWS Batch allows 0 to ${MAX_SCHEDULING_PRIORITY}`);
  }
}

/** M:SubmitJobRequest.shareIdentifier: "limited to 255 alphanumeric characters, and can be followed by an asterisk (*)". */
export function checkShareIdentifier(value: unknown, path: Path, r: Reporter): void {
  const id = str(value);
  if (id === undefined) return;
  const rule = 'share-identifier-format';
  const body = id.endsWith('*') ? id.slice(0, -1) : id;
  if (body.length === 0) {
    r.error(path, rule, `shareIdentifier ${show(id)} is empty; give up to ${MAX_SHARE_IDENTIFIER_LENGTH} letters and digits`);
  } else if (body.length > MAX_SHARE_IDENTIFIER_LENGTH) {
    r.error(path, rule, `shareIdentifier is ${body.length} characters long; AWS Batch allows at most ${MAX_SHARE_IDENTIFIER_LENGTH} (plus an optional trailing *)`);
  } else if (!/^[A-Za-z0-9]+$/.test(body)) {
    const bad = [...body].find((c) => !/[A-Za-z0-9]/.test(c)) ?? '';
    r.error(path, rule, `shareIdentifier ${show(id)} contains ${show(bad)}; only letters and digits are allowed, optionally followed by one trailing *`);
  }
}

/**
 * Tag keys must not use the aws: prefix (UG:using-tags, "Tag restrictions": reserved for AWS use).
 * The count (50) and key / value lengths are in the JSON Schema (M:TagrisTagsMap, M:TagKey, M:TagValue).
 */
export function checkTags(tags: unknown, path: Path, r: Reporter): void {
  if (!isObj(tags)) return;
  for (const [key] of entries(tags)) {
    if (key.toLowerCase().startsWith('aws:')) {
      r.error([...path, key], 'tag-reserved-prefix', `tag key ${show(key)} starts with "aws:", a prefix reserved for AWS; choose another key`, 'key');
    }
  }
}
