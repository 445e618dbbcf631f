/**
 * Hover and completion in Amazon States Language files: field and state type descriptions (Choice
 * rules' too), what a Task's resource does locally and what a Batch Task's JobDefinition / JobQueue
 * resolves to in the workspace, and candidates for field names, state names (Next, Default, StartAt),
 * state types, `States.*` error names, Task resources (Batch's first, then the service integrations
 * AWS's ASL schema lists) and the workspace's job definitions and queues. Pure; the half-typed file
 * is read leniently.
 */
import { parse as parseJsonLenient } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import type { JsonPath } from '../document';
import type { SourceFormat } from '../kinds';
import { LOCAL_QUEUE_NAME } from '../types';
import { isObj, prop, type Obj } from '../values';
import type { CompletionCandidate, WorkspaceNames } from '../editing/completion';
import { cursorAt } from '../editing/cursor';
import { choiceRuleFields, taskResourceExamples } from './aws-schema';
import { CHOICE_RULE_FIELD_DOCS, choiceOperatorDoc, JSONATA_ONLY_FIELDS, MACHINE_FIELD_DOCS, RETRY_CATCH_FIELD_DOCS, STATE_FIELD_DOCS, STATE_TYPE_DOCS, STATE_TYPE_FIELDS } from './field-docs';
import { integrationOf, isBatchResource, runsLocally } from './local-resources';
import { BATCH_SUBMIT_RESOURCE, JSONPATH_ONLY_FIELDS, STATE_TYPES, STATES_ERROR_NAMES } from './language';

/** Where a JSON path points inside a state machine definition. */
export type AslPlace =
  | { readonly where: 'machine'; readonly machine: JsonPath; readonly field?: string }
  | { readonly where: 'state' | 'retrier' | 'catcher' | 'choiceRule' | 'payload'; readonly machine: JsonPath; readonly state: JsonPath; readonly field?: string };

/**
 * Classifies a path: a field of the definition (or of a branch / item processor), of a state, of a
 * Retry or Catch entry, of a Choice rule, or somewhere inside a payload (Parameters, Arguments, ...).
 * `field` is the path's last key at that level (the key itself when the path ends there).
 */
export function aslPlaceOf(path: JsonPath): AslPlace | undefined {
  let machine: JsonPath = [];
  let i = 0;
  for (;;) {
    // At a machine object: path[i] is one of its fields.
    if (i >= path.length) return { where: 'machine', machine };
    if (path[i] !== 'States' || i + 1 >= path.length) return i + 1 === path.length && typeof path[i] === 'string' ? { where: 'machine', machine, field: String(path[i]) } : undefined;
    const state = path.slice(0, i + 2);
    i += 2;
    if (i >= path.length) return undefined;
    const field = path[i];
    if (typeof field !== 'string') return undefined;
    const rest = path.length - i - 1;
    if (field === 'Branches' && rest >= 2 && typeof path[i + 1] === 'number') {
      machine = path.slice(0, i + 2);
      i += 2;
      continue;
    }
    if ((field === 'ItemProcessor' || field === 'Iterator') && rest >= 1) {
      machine = path.slice(0, i + 1);
      i += 1;
      continue;
    }
    if (rest === 0) return { where: 'state', machine, state, field };
    if ((field === 'Retry' || field === 'Catch') && typeof path[i + 1] === 'number' && rest === 2) {
      return { where: field === 'Retry' ? 'retrier' : 'catcher', machine, state, field: String(path[i + 2]) };
    }
    if (field === 'Retry' || field === 'Catch') return rest === 3 && path[i + 2] === 'ErrorEquals' ? { where: field === 'Retry' ? 'retrier' : 'catcher', machine, state, field: 'ErrorEquals' } : undefined;
    if (field === 'Choices' && typeof path[i + 1] === 'number') return { where: 'choiceRule', machine, state, field: String(path.at(-1)) };
    return { where: 'payload', machine, state, field: String(path.at(-1)) };
  }
}

/** What a Batch Task's references resolve to; the workspace model (`Workspace`) is one. */
export interface BatchResolver {
  jobDefinition(ref: string): { readonly name: string; readonly doc: { readonly file: string }; readonly value: Obj } | undefined;
  jobQueue(ref: string): { readonly name: string; readonly doc: { readonly file: string }; readonly value: Obj } | undefined;
}

export interface AslHover {
  readonly markdown: string;
  readonly range?: readonly [number, number];
}

/** Hover text at `offset` of an ASL file, or undefined where there is nothing to say. */
export function aslHoverAt(text: string, format: SourceFormat, offset: number, resolver?: BatchResolver): AslHover | undefined {
  const cursor = cursorAt(text, format, offset);
  if (!cursor) return undefined;
  const place = aslPlaceOf(cursor.path);
  if (!place?.field) return undefined;
  if (place.where === 'choiceRule' && !isRulePath(cursor.path.slice(place.state.length, -1))) return undefined;
  const markdown = cursor.isKey ? fieldDoc(place) : valueDoc(place, cursor.path, lenientValue(text, format), resolver);
  return markdown ? { markdown, range: cursor.token } : undefined;
}

function fieldDoc(place: AslPlace): string | undefined {
  const field = place.field!;
  if (place.where === 'choiceRule') {
    const doc = Object.hasOwn(CHOICE_RULE_FIELD_DOCS, field) ? CHOICE_RULE_FIELD_DOCS[field] : choiceOperatorDoc(field);
    return doc && `**${field}** (Choice rule)\n\n${doc}`;
  }
  const table = place.where === 'machine' ? MACHINE_FIELD_DOCS : place.where === 'state' ? STATE_FIELD_DOCS : place.where === 'retrier' || place.where === 'catcher' ? RETRY_CATCH_FIELD_DOCS : undefined;
  const doc = table && Object.hasOwn(table, field) ? table[field] : undefined;
  return doc && `**${field}**\n\n${doc}`;
}

/**
 * Whether a path (from the state on, the rule's own keys excluded) is a Choice rule: `Choices[i]`,
 * then any number of `And[i]`, `Or[i]` or `Not` (not an Assign or another value inside a rule).
 */
function isRulePath(rel: JsonPath): boolean {
  if (rel[0] !== 'Choices' || typeof rel[1] !== 'number') return false;
  for (let i = 2; i < rel.length; ) {
    if ((rel[i] === 'And' || rel[i] === 'Or') && typeof rel[i + 1] === 'number') i += 2;
    else if (rel[i] === 'Not') i += 1;
    else return false;
  }
  return true;
}

function valueDoc(place: AslPlace, path: JsonPath, root: unknown, resolver: BatchResolver | undefined): string | undefined {
  const value = valueAt(root, path);
  if (place.where === 'state' && place.field === 'Type' && typeof value === 'string' && Object.hasOwn(STATE_TYPE_DOCS, value)) return `**${value}** state\n\n${STATE_TYPE_DOCS[value]}`;
  if (place.where === 'state' && place.field === 'Resource' && typeof value === 'string' && BATCH_SUBMIT_RESOURCE.test(value)) return batchResourceDoc(value);
  if (place.where === 'state' && place.field === 'Resource' && typeof value === 'string' && integrationOf(value) !== undefined) return resourceDoc(value);
  if (place.where !== 'payload' || typeof value !== 'string' || !resolver || !batchParamsPath(place, path, root)) return undefined;
  if (place.field === 'JobDefinition') {
    const entry = resolver.jobDefinition(value);
    if (!entry) return `Job definition \`${value}\` is not defined in this workspace.`;
    const revision = /:(\d+)$/.exec(value)?.[1];
    return `**${entry.name}** job definition${revision ? `, revision ${revision}` : ''}\n\nDefined in \`${entry.doc.file}\`${typeOf(entry.value)}`;
  }
  if (place.field === 'JobQueue') {
    if (value === LOCAL_QUEUE_NAME) return '**local**: the built-in local job queue, which runs jobs on this machine\'s Docker.';
    const entry = resolver.jobQueue(value);
    return entry ? `**${entry.name}** job queue\n\nDefined in \`${entry.doc.file}\`` : `Job queue \`${value}\` is not defined in this workspace.`;
  }
  return undefined;
}

function typeOf(value: Obj): string {
  return typeof value.type === 'string' ? ` (type \`${value.type}\`)` : '';
}

/** What a Task resource other than Batch's SubmitJob does on the local emulator. */
function resourceDoc(arn: string): string {
  const name = `**${integrationOf(arn)}**`;
  if (runsLocally(arn)) return `${name}\n\nRuns on the local emulator's own ${isBatchResource(arn) ? 'AWS Batch' : /sns/.test(arn) ? 'SNS' : /events|eventbridge/.test(arn) ? 'EventBridge' : 'S3'}.`;
  return `${name}\n\nThe local emulator does not run this service: give the state a stand-in in a Step Functions Local mock file (\`SFN_MOCK_CONFIG\`), or the Task fails with \`States.Runtime\`.`;
}

function batchResourceDoc(arn: string): string {
  if (arn.endsWith('.sync')) return '**AWS Batch SubmitJob, run a job** (`.sync`)\n\nSubmits the job and waits for it to end: the result is the job\'s description; a failed job fails the state with `States.TaskFailed`.';
  if (arn.endsWith('.waitForTaskToken')) return '**AWS Batch SubmitJob, wait for a callback**\n\nSubmits the job and waits until SendTaskSuccess or SendTaskFailure is called with the task token passed to it.';
  return '**AWS Batch SubmitJob, request-response**\n\nSubmits the job and continues at once with its JobId, JobName and JobArn.';
}

/** Whether `path` is a direct key of a Batch Task's Parameters / Arguments. */
function batchParamsPath(place: AslPlace, path: JsonPath, root: unknown): boolean {
  if (place.where !== 'payload') return false;
  const rel = path.slice(place.state.length);
  if (rel.length !== 2 || (rel[0] !== 'Parameters' && rel[0] !== 'Arguments')) return false;
  const state = valueAt(root, place.state);
  return isObj(state) && state.Type === 'Task' && typeof state.Resource === 'string' && BATCH_SUBMIT_RESOURCE.test(state.Resource);
}

/** Batch resource ARNs offered for a Task's Resource. */
export const BATCH_RESOURCE_ARNS = ['arn:aws:states:::batch:submitJob.sync', 'arn:aws:states:::batch:submitJob'] as const;

/** Completion candidates at `offset` of an ASL file. */
export function aslCompletionsAt(text: string, format: SourceFormat, offset: number, names: WorkspaceNames): CompletionCandidate[] {
  const cursor = cursorAt(text, format, offset);
  if (!cursor) return [];
  const place = aslPlaceOf(cursor.path);
  // A key being typed has the field '' (a new key in YAML, an empty one in JSON).
  if (place?.field === undefined) return [];
  const root = lenientValue(text, format);
  if (place.where === 'choiceRule' && !isRulePath(cursor.path.slice(place.state.length, -1))) return [];
  if (cursor.isKey) {
    const fields = (place.where === 'choiceRule' ? choiceFieldNames(place, cursor.path, cursor.siblingKeys.filter((k) => k !== place.field), root) : fieldNames(place, root)).filter((k) => !cursor.siblingKeys.includes(k) || k === place.field);
    return fields.map((k) => ({ label: k, kind: 'property' as const, insertText: format === 'json' ? `"${k}"` : k, replace: cursor.token, detail: fieldDoc({ ...place, field: k })?.split('\n\n')[1]?.split('. ')[0] }));
  }
  if (!place.field) return [];
  const values = candidates(place, cursor.path, root, names);
  if (!values) return [];
  const quote = (v: string) => (format === 'json' ? JSON.stringify(v) : v);
  return values.names.map((n) => ({ label: n, kind: values.kind, insertText: quote(n), replace: cursor.token, detail: values.detailOf?.(n) ?? values.detail }));
}

/**
 * Field names for a key of a Choice rule, from AWS's ASL schema: a JSONata state's rules take
 * Condition, a JSONPath state's a Variable and one operator (none once the rule has one) or
 * And / Or / Not; Next and Assign only at the top level.
 */
function choiceFieldNames(place: { readonly machine: JsonPath; readonly state: JsonPath }, path: JsonPath, siblings: readonly string[], root: unknown): string[] {
  const state = asObj(valueAt(root, place.state));
  const jsonata = (state.QueryLanguage ?? prop(valueAt(root, place.machine), 'QueryLanguage') ?? prop(root, 'QueryLanguage')) === 'JSONata';
  const topLevel = path.length === place.state.length + 3;
  const operators = choiceRuleFields().filter((k) => choiceOperatorDoc(k) !== undefined);
  const hasOperator = siblings.some((k) => operators.includes(k) || k === 'And' || k === 'Or' || k === 'Not');
  return choiceRuleFields().filter((k) => {
    if (k === 'Next' || k === 'Assign') return topLevel;
    if (k === 'Comment') return true;
    if (k === 'Condition') return jsonata;
    if (jsonata) return false;
    if (k === 'Variable') return true;
    return !hasOperator;
  });
}

function candidates(place: AslPlace, path: JsonPath, root: unknown, names: WorkspaceNames): { names: string[]; kind: CompletionCandidate['kind']; detail: string; detailOf?: (name: string) => string } | undefined {
  const { field } = place;
  const stateNames = () => Object.keys(asObj(valueAt(root, [...place.machine, 'States'])));
  if (place.where === 'machine' && field === 'StartAt') return { names: stateNames(), kind: 'reference', detail: 'state' };
  if (place.where === 'state' && field === 'Type') return { names: [...STATE_TYPES], kind: 'value', detail: 'state type' };
  if (place.where === 'state' && field === 'Resource') {
    const others = taskResourceExamples().filter((r) => !(BATCH_RESOURCE_ARNS as readonly string[]).includes(r));
    return { names: [...BATCH_RESOURCE_ARNS, ...others], kind: 'value', detail: 'AWS Batch SubmitJob', detailOf: (r) => (BATCH_SUBMIT_RESOURCE.test(r) ? 'AWS Batch SubmitJob' : runsLocally(r) ? 'runs on the local emulator' : 'locally only with a mock file') };
  }
  if (place.where !== 'machine' && (field === 'Next' || field === 'Default') && place.where !== 'payload' && place.where !== 'retrier') {
    const self = String(place.state.at(-1));
    return { names: stateNames().filter((n) => place.where !== 'state' || n !== self), kind: 'reference', detail: 'state' };
  }
  if ((place.where === 'retrier' || place.where === 'catcher') && field === 'ErrorEquals' && path.length === place.state.length + 4) {
    const listed = asArr(valueAt(root, path.slice(0, -1))).filter((_, i) => i !== path.at(-1));
    return { names: [...STATES_ERROR_NAMES].filter((n) => !listed.includes(n)).sort(), kind: 'value', detail: 'error name' };
  }
  if (place.where === 'payload' && batchParamsPath(place, path, root)) {
    if (field === 'JobDefinition') return { names: [...names.jobDefinitions], kind: 'reference', detail: 'job definition in this workspace' };
    if (field === 'JobQueue') return { names: [LOCAL_QUEUE_NAME, ...names.jobQueues.filter((q) => q !== LOCAL_QUEUE_NAME)], kind: 'reference', detail: 'job queue' };
  }
  return undefined;
}

/**
 * Field names for a key at `place`: the definition's (or branch's), a state's by its Type and
 * query language (all state fields while the Type is not set), a retrier's or a catcher's.
 */
function fieldNames(place: AslPlace, root: unknown): string[] {
  if (place.where === 'machine') return Object.keys(MACHINE_FIELD_DOCS).filter((k) => k !== 'ProcessorConfig' || place.machine.at(-1) === 'ItemProcessor');
  if (place.where === 'retrier') return ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'];
  if (place.where === 'catcher') return ['ErrorEquals', 'Next', 'ResultPath', 'Output', 'Assign', 'Comment'];
  if (place.where !== 'state') return [];
  const state = asObj(valueAt(root, place.state));
  const byType = typeof state.Type === 'string' && Object.hasOwn(STATE_TYPE_FIELDS, state.Type) ? STATE_TYPE_FIELDS[state.Type] : Object.keys(STATE_FIELD_DOCS);
  const language = state.QueryLanguage ?? prop(valueAt(root, place.machine), 'QueryLanguage') ?? prop(root, 'QueryLanguage');
  const other: readonly string[] = language === 'JSONata' ? JSONPATH_ONLY_FIELDS : JSONATA_ONLY_FIELDS;
  return [...new Set(['Type', 'Comment', 'QueryLanguage', ...byType])].filter((k) => !other.includes(k));
}

/** The file's value, read leniently (a half-typed file gives what can be read). */
function lenientValue(text: string, format: SourceFormat): unknown {
  try {
    return format === 'json' ? parseJsonLenient(text, [], { allowTrailingComma: true }) : parseDocument(text, { version: '1.2', uniqueKeys: false, strict: false }).toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const seg of path) v = typeof seg === 'number' ? (Array.isArray(v) ? (v[seg] as unknown) : undefined) : prop(v, seg);
  return v;
}

const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
