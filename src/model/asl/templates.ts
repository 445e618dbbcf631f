/**
 * State machines declared in templates: `AWS::StepFunctions::StateMachine` (Definition, or
 * DefinitionString as CDK writes it: an Fn::Join of JSON pieces and Refs), `AWS::Serverless::StateMachine`
 * (Definition, or DefinitionUri naming an ASL file of the workspace), both with
 * DefinitionSubstitutions, and Terraform's `aws_sfn_state_machine` in `terraform show -json` output.
 * Intrinsics resolve as for the template's Batch resources (cfn-scope.ts), so a Ref to a job queue
 * names the workspace's queue. Ranges point into the template: into the Definition object, else at
 * the piece of a DefinitionString that declares the state. Pure: ASL files come from `findDoc`.
 */
import type { Diagnostic } from '../diagnostics';
import { SourceDocument, type JsonPath, type ViewLocation } from '../document';
import { evaluateCondition, intrinsicName, resolveValue, str, type CfnScope } from '../iac/cfn-intrinsics';
import { locateOrigin, type IacOptions, type IacTemplate } from '../iac/types';
import { isTerraformJson } from '../iac/terraform';
import { kindOfFile } from '../kinds';
import { asArr, asStr, isObj, type Obj } from '../values';
import { stateMachineScope } from './cfn-scope';
import type { StateMachineEntry } from './types';

const CFN_TYPES = ['AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine'];

export function readTemplateStateMachines(doc: SourceDocument, template: IacTemplate | undefined, options: IacOptions, findDoc: (file: string) => SourceDocument | undefined): StateMachineEntry[] {
  if (doc.syntaxErrors.length > 0 || !isObj(doc.value)) return [];
  if (isTerraformJson(doc.value as unknown)) return readTerraformStateMachines(doc);
  const resources = (doc.value as Obj).Resources;
  if (!isObj(resources)) return [];
  const out: StateMachineEntry[] = [];
  let scope: CfnScope | undefined;
  for (const [id, res] of Object.entries(resources)) {
    if (!isObj(res) || !CFN_TYPES.includes(String(res.Type))) continue;
    scope ??= stateMachineScope(doc, template, options);
    out.push(readResource(doc, id, res, { ...scope, problems: [], unresolved: [] }, template, findDoc));
  }
  return out.filter((e): e is StateMachineEntry => e !== undefined);
}

function readResource(doc: SourceDocument, id: string, res: Obj, scope: CfnScope, template: IacTemplate | undefined, findDoc: (file: string) => SourceDocument | undefined): StateMachineEntry {
  const sam = res.Type === 'AWS::Serverless::StateMachine';
  const at: JsonPath = ['Resources', id, 'Properties'];
  const props = isObj(res.Properties) ? res.Properties : {};
  const diagnostics: Diagnostic[] = [];
  const problem = (path: JsonPath, message: string, severity: 'error' | 'warning' = 'error') => diagnostics.push({ file: doc.file, range: doc.rangeOf(path), severity, rule: 'asl-definition', message });
  const resolved = (key: string) => (props[key] === undefined ? undefined : resolveValue(props[key], [...at, key], scope).value);
  const name = asStr(resolved(sam ? 'Name' : 'StateMachineName')) ?? id;
  const subs = resolved('DefinitionSubstitutions');
  const substitutions = isObj(subs) ? subs : {};
  const base = {
    id,
    name,
    file: doc.file,
    source: sam ? ('sam' as const) : template?.tool === 'cdk' || isCdk(doc.value) ? ('cdk' as const) : ('cloudformation' as const),
    type: asStr(resolved(sam ? 'Type' : 'StateMachineType')),
    roleArn: asStr(resolved(sam ? 'Role' : 'RoleArn')),
    diagnostics,
  };
  const entry = (definitionDoc: SourceDocument, definition: Obj | undefined, checkedAsFile = false): StateMachineEntry => {
    for (const p of scope.problems) diagnostics.push({ file: doc.file, range: doc.rangeOf(p.path), severity: p.severity, rule: p.rule, message: p.message });
    return { ...base, doc: definitionDoc, definition, checkedAsFile };
  };
  const unread = (path: JsonPath, message: string, severity: 'error' | 'warning' = 'error') => {
    problem(path, message, severity);
    return entry(SourceDocument.view(doc, undefined, () => ({ path })), undefined);
  };
  if (typeof res.Condition === 'string' && !evaluateCondition(res.Condition, ['Resources', id, 'Condition'], scope, 0)) {
    return unread(['Resources', id, 'Condition'], `The state machine '${id}' is not created with this template's parameters (its Condition is false)`, 'warning');
  }
  if (props.Definition !== undefined) {
    const r = resolveValue(props.Definition, [...at, 'Definition'], scope);
    if (!isObj(r.value)) return unread([...at, 'Definition'], 'Definition must be an object (the state machine in Amazon States Language)');
    const value = substitute(r.value, substitutions) as Obj;
    return entry(SourceDocument.view(doc, value, locateOrigin(r.origin)), value);
  }
  if (!sam && props.DefinitionString !== undefined) {
    const raw = props.DefinitionString;
    const text = str(resolveValue(raw, [...at, 'DefinitionString'], scope).value);
    let value: unknown;
    try {
      value = JSON.parse(substitute(text, substitutions) as string);
    } catch (err) {
      return unread([...at, 'DefinitionString'], `DefinitionString is not JSON once resolved locally: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!isObj(value)) return unread([...at, 'DefinitionString'], 'DefinitionString must hold a JSON object (the state machine)');
    return entry(SourceDocument.view(doc, value, locateInString(raw, [...at, 'DefinitionString'])), value);
  }
  if (sam && typeof props.DefinitionUri === 'string') {
    const file = joinPath(doc.file, props.DefinitionUri);
    const target = findDoc(file);
    if (!target) {
      return unread([...at, 'DefinitionUri'], `DefinitionUri '${props.DefinitionUri}' is not read: localbatch reads definitions named *.asl.json, *.asl.yaml or *.asl.yml in the workspace (looked for ${file})`, 'warning');
    }
    if (target.syntaxErrors.length > 0 || !isObj(target.value)) return unread([...at, 'DefinitionUri'], `DefinitionUri '${props.DefinitionUri}' cannot be read: fix ${target.file} first`);
    const value = substitute(target.value, substitutions) as Obj;
    return entry(SourceDocument.view(target, value, (path, part) => ({ path, part })), value, kindOfFile(target.file)?.kind === 'stateMachine');
  }
  const where = sam ? 'DefinitionUri' : props.DefinitionS3Location !== undefined ? 'DefinitionS3Location' : undefined;
  if (where && props[where] !== undefined) return unread([...at, where], `${where} in S3 is not read locally: put the definition in the template (Definition) or${sam ? ' point DefinitionUri at a local *.asl.json file' : ' an *.asl.json file'}`, 'warning');
  return unread(['Resources', id], `The state machine '${id}' has no definition: give ${sam ? 'Definition or DefinitionUri' : 'Definition or DefinitionString'}`);
}

function isCdk(template: unknown): boolean {
  const resources = isObj(template) && isObj(template.Resources) ? Object.values(template.Resources) : [];
  return resources.some((r) => isObj(r) && (r.Type === 'AWS::CDK::Metadata' || (isObj(r.Metadata) && 'aws:cdk:path' in r.Metadata)));
}

/** Replaces `${name}` with DefinitionSubstitutions values in every string, as Step Functions does. */
function substitute(v: unknown, subs: Obj): unknown {
  if (Object.keys(subs).length === 0) return v;
  if (typeof v === 'string') return v.replace(/\$\{([^}]+)\}/g, (m, key: string) => (Object.prototype.hasOwnProperty.call(subs, key) ? str(subs[key]) : m));
  if (Array.isArray(v)) return v.map((item) => substitute(item, subs));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, substitute(item, subs)]));
  return v;
}

/**
 * Locates a path of a DefinitionString's parsed JSON in the template: CDK writes it as
 * `Fn::Join ['', [json pieces, {Ref}, ...]]`; a state is found at the piece declaring it, a field
 * of it at the piece naming the field (or the Ref just after it). Else the DefinitionString itself.
 */
function locateInString(raw: unknown, at: JsonPath): (path: JsonPath, part: 'key' | 'value') => ViewLocation {
  const fn = intrinsicName(raw);
  const list = fn === 'Fn::Join' ? asArr(asArr((raw as Obj)['Fn::Join'])?.[1]) : undefined;
  return (path) => {
    if (!list) return { path: at };
    const s = path.lastIndexOf('States');
    const state = s >= 0 ? path[s + 1] : undefined;
    if (typeof state !== 'string') return { path: at };
    const start = list.findIndex((p) => typeof p === 'string' && p.includes(`${JSON.stringify(state)}:{`));
    if (start < 0) return { path: at };
    const field = path[path.length - 1];
    if (typeof field === 'string' && path.length > s + 2) {
      for (let j = start; j < Math.min(list.length, start + 12); j++) {
        const piece = list[j];
        if (typeof piece !== 'string') continue;
        const key = `${JSON.stringify(field)}:`;
        const k = piece.lastIndexOf(key);
        if (k < 0) continue;
        const rest = piece.slice(k + key.length);
        const valueIsNext = (rest === '"' || rest === '') && j + 1 < list.length && typeof list[j + 1] !== 'string';
        return { path: [...at, 'Fn::Join', 1, valueIsNext ? j + 1 : j] };
      }
    }
    return { path: [...at, 'Fn::Join', 1, start] };
  };
}

/** `dir/of/template` + a relative path, with `.` and `..` resolved (forward slashes). */
function joinPath(templateFile: string, rel: string): string {
  if (/^([a-zA-Z]:)?[\\/]/.test(rel)) return rel.split('\\').join('/');
  const parts = templateFile.split(/[\\/]/).slice(0, -1);
  for (const seg of rel.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** `aws_sfn_state_machine` resources of `terraform show -json` (root and child modules). */
function readTerraformStateMachines(doc: SourceDocument): StateMachineEntry[] {
  const root = doc.value as Obj;
  const top = isObj(root.planned_values) ? 'planned_values' : 'values';
  const out: StateMachineEntry[] = [];
  const walk = (module: unknown, path: JsonPath) => {
    if (!isObj(module)) return;
    asArr(module.resources)?.forEach((r, i) => {
      if (!isObj(r) || r.type !== 'aws_sfn_state_machine' || r.mode === 'data' || !isObj(r.values)) return;
      const at: JsonPath = [...path, 'resources', i, 'values'];
      const id = asStr(r.address) ?? `aws_sfn_state_machine.${asStr(r.name) ?? ''}`;
      const values = r.values;
      const diagnostics: Diagnostic[] = [];
      let definition: Obj | undefined;
      if (typeof values.definition !== 'string') {
        diagnostics.push({ file: doc.file, range: doc.rangeOf([...path, 'resources', i]), severity: 'error', rule: 'asl-definition', message: `${id}: its definition is known only after apply in this plan; read the state (terraform show -json after apply) instead` });
      } else {
        try {
          const parsed: unknown = JSON.parse(values.definition);
          if (isObj(parsed)) definition = parsed;
          else throw new Error('not an object');
        } catch (err) {
          diagnostics.push({ file: doc.file, range: doc.rangeOf([...at, 'definition']), severity: 'error', rule: 'asl-definition', message: `${id}: definition is not a JSON object (${err instanceof Error ? err.message : String(err)})` });
        }
      }
      out.push({
        id,
        name: asStr(values.name) ?? asStr(r.name) ?? id,
        source: 'terraform',
        file: doc.file,
        doc: SourceDocument.view(doc, definition, () => ({ path: [...at, 'definition'] })),
        definition,
        type: asStr(values.type),
        roleArn: asStr(values.role_arn),
        diagnostics,
        checkedAsFile: false,
      });
    });
    asArr(module.child_modules)?.forEach((c, i) => walk(c, [...path, 'child_modules', i]));
  };
  walk(isObj(root[top]) ? (root[top] as Obj).root_module : undefined, [top, 'root_module']);
  return out;
}
