/**
 * State machine files (`*.asl.json|yaml|yml`) published to AWS Step Functions: each file's name and
 * execution role come from its sidecar `<id>.asl.deploy.json|yaml|yml` next to it (`roleArn`
 * required, `name` optional: default the file's id, `pipeline.asl.json` → `pipeline`). Its Batch
 * Tasks' JobDefinition / JobQueue references to the workspace's definitions (names, local ARNs,
 * template logical ids) become the names they are deployed under. Created when AWS has no state
 * machine of that name, updated (UpdateStateMachine) when the definition or role differs.
 * State machines declared in templates stay with their IaC tool.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  UpdateStateMachineCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { mapBatchReferences } from '../model/asl/batch-refs';
import type { StateMachineEntry } from '../model/asl/types';
import { toJson, sameJson, type JsonObject } from '../model/definition-normalize';
import { parseRef, type DefinitionEntry, type Workspace } from '../model/workspace';
import { describeDiff } from './diff';
import type { PlanItem } from './plan';
import { isStateMachineName, STATE_MACHINE_NAME_RULE } from '../model/asl/names';

export interface DesiredStateMachine {
  readonly name: string;
  readonly file: string;
  readonly roleArn: string;
  /** The definition with its Batch references mapped to deployed names. */
  readonly definition: JsonObject;
}

export class StateMachineSettingsError extends Error {}

const SIDECAR_EXTS = ['yaml', 'yml', 'json'];

/** The sidecar of an ASL file (`x.asl.json` → `x.asl.deploy.yaml|yml|json`), parsed; undefined when there is none. */
function readSidecar(aslFile: string): { file: string; value: Record<string, unknown> } | undefined {
  const base = aslFile.replace(/\.asl\.(json|ya?ml)$/i, '');
  for (const ext of SIDECAR_EXTS) {
    const file = `${base}.asl.deploy.${ext}`;
    if (!existsSync(file)) continue;
    let value: unknown;
    try {
      value = ext === 'json' ? JSON.parse(readFileSync(file, 'utf8')) : parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new StateMachineSettingsError(`${file}: cannot read it: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StateMachineSettingsError(`${file}: expected a mapping with roleArn (and optionally name)`);
    return { file, value: value as Record<string, unknown> };
  }
  return undefined;
}

const ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+/;

/** A reference to a workspace definition as the name it is deployed under (a pinned revision kept). */
function deployedRef(entry: DefinitionEntry | undefined, ref: string, kind: 'job-definition' | 'job-queue'): string | undefined {
  if (!entry) return undefined;
  if (entry.origin?.resource.generatedName) return undefined;
  const parsed = parseRef(ref, kind);
  return parsed?.revision !== undefined && kind === 'job-definition' ? `${entry.name}:${parsed.revision}` : entry.name;
}

/** The file state machines under the selection, with name, role and mapped definition. Throws with what to add when a role is missing. */
export function desiredStateMachines(ws: Workspace, cwd: string, selected: (file: string) => boolean): DesiredStateMachine[] {
  const out: DesiredStateMachine[] = [];
  const missing: string[] = [];
  for (const m of ws.stateMachines) {
    if (m.source !== 'file' || !m.definition || !selected(m.file)) continue;
    const abs = path.resolve(cwd, m.file);
    const sidecar = readSidecar(abs);
    const roleArn = sidecar?.value.roleArn;
    const sidecarName = path.relative(cwd, abs).replace(/\.asl\.(json|ya?ml)$/i, '.asl.deploy.yaml');
    if (typeof roleArn !== 'string' || !ROLE.test(roleArn)) {
      missing.push(
        sidecar && roleArn !== undefined
          ? `${path.relative(cwd, sidecar.file)}: roleArn ${JSON.stringify(roleArn)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`
          : `${m.file}: no execution role: add ${sidecarName} with \`roleArn: arn:aws:iam::<account>:role/<role Step Functions assumes>\` (and optionally \`name:\`)`,
      );
      continue;
    }
    const name = sidecar?.value.name ?? m.id;
    if (typeof name !== 'string' || !isStateMachineName(name)) {
      missing.push(`${path.relative(cwd, sidecar!.file)}: name ${JSON.stringify(name)} is not a state machine name (${STATE_MACHINE_NAME_RULE})`);
      continue;
    }
    const definition = mapBatchReferences(m.definition, {
      jobDefinition: (ref) => deployedRef(ws.jobDefinition(ref), ref, 'job-definition'),
      jobQueue: (ref) => deployedRef(ws.jobQueue(ref), ref, 'job-queue'),
    });
    out.push({ name, file: m.file, roleArn, definition: toJson(definition) as JsonObject });
  }
  if (missing.length > 0) throw new StateMachineSettingsError(missing.join('\n'));
  return out;
}

/** State machines declared in templates: deployed by their IaC tool, not here. */
export function templateStateMachines(ws: Workspace, selected: (file: string) => boolean): StateMachineEntry[] {
  return ws.stateMachines.filter((m) => m.source !== 'file' && selected(m.file));
}

interface CurrentStateMachine {
  readonly arn: string;
  readonly roleArn?: string;
  readonly definition?: JsonObject;
}

async function describeStateMachines(sfn: SFNClient, names: ReadonlySet<string>): Promise<Map<string, CurrentStateMachine>> {
  const arns = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const res = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    for (const s of res.stateMachines ?? []) if (s.name && s.stateMachineArn && names.has(s.name)) arns.set(s.name, s.stateMachineArn);
    nextToken = res.nextToken;
  } while (nextToken);
  const out = new Map<string, CurrentStateMachine>();
  for (const [name, arn] of arns) {
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    let definition: JsonObject | undefined;
    try {
      definition = d.definition ? (JSON.parse(d.definition) as JsonObject) : undefined;
    } catch {
      definition = undefined;
    }
    out.set(name, { arn, roleArn: d.roleArn, definition });
  }
  return out;
}

/** The canonical form shown and compared: role and definition. */
function canonical(roleArn: string | undefined, definition: JsonObject | undefined): JsonObject {
  return { roleArn: roleArn ?? null, definition: definition ?? null };
}

/** One plan item per state machine: create, update (definition or role differs) or no change. */
export async function planStateMachines(sfn: SFNClient, desired: readonly DesiredStateMachine[]): Promise<PlanItem[]> {
  if (desired.length === 0) return [];
  const current = await describeStateMachines(sfn, new Set(desired.map((d) => d.name)));
  return [...desired]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d): PlanItem => {
      const want = canonical(d.roleArn, d.definition);
      const cur = current.get(d.name);
      const base = { kind: 'stateMachine' as const, name: d.name, file: d.file, desired: want };
      const text = JSON.stringify(d.definition);
      if (!cur) return { ...base, action: 'create', diff: describeDiff(undefined, want), request: { name: d.name, roleArn: d.roleArn, definition: text } };
      const have = canonical(cur.roleArn, cur.definition);
      const diff = describeDiff(have, want);
      if (sameJson(have, want)) return { ...base, action: 'no-change', current: have, diff, arn: cur.arn };
      const changed = [!sameJson(have.definition, want.definition) && 'definition', cur.roleArn !== d.roleArn && 'roleArn'].filter((x): x is string => !!x);
      return { ...base, action: 'update', current: have, diff, arn: cur.arn, reason: changed.join(', '), request: { stateMachineArn: cur.arn, roleArn: d.roleArn, definition: text } };
    });
}

/** Creates or updates one state machine item; returns the ARN. */
export async function applyStateMachine(sfn: SFNClient, item: PlanItem): Promise<string | undefined> {
  const r = item.request as { name?: string; stateMachineArn?: string; roleArn: string; definition: string };
  if (item.action === 'create') return (await sfn.send(new CreateStateMachineCommand({ name: r.name!, roleArn: r.roleArn, definition: r.definition }))).stateMachineArn;
  if (item.action === 'update') {
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: r.stateMachineArn!, roleArn: r.roleArn, definition: r.definition }));
    return r.stateMachineArn;
  }
  return item.arn;
}
