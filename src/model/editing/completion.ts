/**
 * Completion candidates for a definition file at a cursor: enum values and booleans from the schema,
 * property names not yet set, and names defined elsewhere in the workspace (job definitions and queues
 * in workflows, compute environments in queues, jobs of the same workflow in dependsOn). State
 * machine files have their own (../asl/editing.ts).
 */
import type { DefinitionKind, SourceFormat } from '../kinds';
import { LOCAL_QUEUE_NAME } from '../types';
import { parseDocument } from 'yaml';
import { asArr, asStr, isObj, prop } from '../values';
import { aslCompletionsAt } from '../asl/editing';
import { cursorAt } from './cursor';
import { enumValuesAt, propertiesAt } from './schema-docs';

export interface WorkspaceNames {
  readonly jobDefinitions: readonly string[];
  readonly jobQueues: readonly string[];
  readonly computeEnvironments: readonly string[];
}

export interface CompletionCandidate {
  readonly label: string;
  readonly kind: 'value' | 'property' | 'reference';
  /** Text to insert (quoted for JSON values and keys). */
  readonly insertText: string;
  /** Offsets [start, end) to replace; absent: insert at the cursor. */
  readonly replace?: readonly [number, number];
  readonly detail?: string;
}

export function completionsAt(text: string, format: SourceFormat, kind: DefinitionKind, offset: number, names: WorkspaceNames): CompletionCandidate[] {
  if (kind === 'stateMachine') return aslCompletionsAt(text, format, offset, names);
  const cursor = cursorAt(text, format, offset);
  if (!cursor) return [];
  const { path, isKey } = cursor;
  const replace = cursor.token;
  if (isKey) {
    const parent = path.slice(0, -1);
    return propertiesAt(kind, parent)
      .filter(([k]) => !cursor.siblingKeys.includes(k) || k === path.at(-1))
      .map(([k, schema]) => ({ label: k, kind: 'property' as const, insertText: format === 'json' ? `"${k}"` : k, replace, detail: schema.description?.split('\n')[0] }));
  }
  const quote = (v: unknown) => (format === 'json' && typeof v === 'string' ? JSON.stringify(v) : String(v));
  const refs = referenceNames(kind, path, text, format, names);
  if (refs) return refs.names.map((n) => ({ label: n, kind: 'reference' as const, insertText: quote(n), replace, detail: refs.detail }));
  return enumValuesAt(kind, path).map((v) => ({ label: String(v), kind: 'value' as const, insertText: quote(v), replace }));
}

function referenceNames(kind: DefinitionKind, path: ReadonlyArray<string | number>, text: string, format: SourceFormat, names: WorkspaceNames): { names: string[]; detail: string } | undefined {
  if (kind === 'workflow' && path[0] === 'jobs' && path.length === 3 && path[2] === 'jobDefinition') return { names: [...names.jobDefinitions], detail: 'job definition in this workspace' };
  if (kind === 'workflow' && path[0] === 'jobs' && path.length === 3 && path[2] === 'jobQueue') return { names: [LOCAL_QUEUE_NAME, ...names.jobQueues.filter((q) => q !== LOCAL_QUEUE_NAME)], detail: 'job queue' };
  if (kind === 'workflow' && path[0] === 'jobs' && path[2] === 'dependsOn' && path.length === 5 && path[4] === 'job') {
    const job = String(path[1]);
    const deps = workflowDependencies(text);
    const listed = (deps.get(job) ?? []).filter((_, i) => i !== path[3]);
    // Never itself, never a job already listed, never one that depends on this job (directly or not): that would be a cycle.
    const downstream = dependents(job, deps);
    return { names: workflowJobNames(text, format).filter((n) => n !== job && !listed.includes(n) && !downstream.has(n)), detail: 'job of this workflow' };
  }
  if (kind === 'jobQueue' && path[0] === 'computeEnvironmentOrder' && path[2] === 'computeEnvironment') return { names: [...names.computeEnvironments], detail: 'compute environment in this workspace' };
  return undefined;
}

/** Each job's `dependsOn` job names, read leniently (the file may be half-typed; what cannot be read has no edges). */
function workflowDependencies(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let value: unknown;
  try {
    value = parseDocument(text, { version: '1.2', uniqueKeys: false, strict: false }).toJS({ maxAliasCount: 100 });
  } catch {
    return out;
  }
  const jobs = prop(value, 'jobs');
  if (!isObj(jobs)) return out;
  for (const [name, job] of Object.entries(jobs)) {
    const list = asArr(prop(job, 'dependsOn')) ?? [];
    out.set(name, list.map((d) => (isObj(d) ? asStr(d.job) : undefined) ?? ''));
  }
  return out;
}

/** Jobs that depend on `job`, directly or through others. */
function dependents(job: string, deps: ReadonlyMap<string, readonly string[]>): Set<string> {
  const found = new Set<string>();
  const queue = [job];
  while (queue.length > 0) {
    const target = queue.pop()!;
    for (const [name, list] of deps) {
      if (!found.has(name) && list.includes(target)) {
        found.add(name);
        queue.push(name);
      }
    }
  }
  return found;
}

/** The keys under `jobs` (read leniently, as the file may be half-typed). */
function workflowJobNames(text: string, format: SourceFormat): string[] {
  const out: string[] = [];
  if (format === 'yaml') {
    const lines = text.split(/\r?\n/);
    const start = lines.findIndex((l) => /^jobs\s*:/.test(l));
    if (start < 0) return out;
    let indent: number | undefined;
    for (const line of lines.slice(start + 1)) {
      if (/^\S/.test(line)) break;
      const m = /^(\s+)([A-Za-z0-9_-]+)\s*:/.exec(line);
      if (!m) continue;
      indent ??= m[1].length;
      if (m[1].length === indent) out.push(m[2]);
    }
    return out;
  }
  try {
    const jobs = (JSON.parse(text) as { jobs?: Record<string, unknown> }).jobs;
    return jobs && typeof jobs === 'object' ? Object.keys(jobs) : out;
  } catch {
    return [...text.matchAll(/"([A-Za-z0-9_-]+)"\s*:\s*\{\s*"(?:jobDefinition|jobQueue|dependsOn|jobName)"/g)].map((m) => m[1]);
  }
}
