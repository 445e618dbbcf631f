/**
 * What a target receives: the whole event (default), `Input` (constant JSON), `InputPath` (a JSON
 * path into the event) or `InputTransformer` (InputPathsMap + InputTemplate). In a template, a
 * placeholder outside double quotes takes the value as JSON (a string gets its quotes), inside a
 * quoted string it takes the value's text with JSON escaping; a template that is not JSON (plain
 * text) takes the values' text as they are. A path that finds nothing gives `null` outside quotes and
 * nothing inside. Pure: no I/O (jsonpath-plus evaluates the paths: EventBridge's own JSONPath subset
 * of dot notation, array indices and `*`).
 */
import { JSONPath } from 'jsonpath-plus';

export interface InputTransformer {
  readonly InputPathsMap?: Record<string, string>;
  readonly InputTemplate?: string;
}

export interface TargetInput {
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: InputTransformer;
}

export interface RuleContext {
  readonly ruleName: string;
  readonly ruleArn: string;
  /** ISO 8601 time the event was received. */
  readonly ingestionTime: string;
}

const PREDEFINED = ['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json'];

/** The value a JSON path selects from `doc` (undefined when nothing); several matches give an array. */
export function selectPath(doc: unknown, path: string): unknown {
  const found = JSONPath({ path, json: doc as object, wrap: true }) as unknown[] | undefined;
  if (!found || found.length === 0) return undefined;
  // A path with a wildcard selects a list; a plain path one value.
  return /\*|\.\.|\[.*[:,].*\]/.test(path) ? found : found[0];
}

/** Problems with a transformer that AWS refuses at PutTargets (empty when none). */
export function checkInputTransformer(t: InputTransformer): string[] {
  const problems: string[] = [];
  const map = t.InputPathsMap ?? {};
  if (Object.keys(map).length > 100) problems.push('InputPathsMap holds more than 100 entries');
  for (const [name, path] of Object.entries(map)) {
    if (name.startsWith('aws.')) problems.push(`InputPathsMap key "${name}" is reserved: keys cannot start with "aws."`);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) problems.push(`InputPathsMap key "${name}" may hold only letters, digits, "_", "-" and "."`);
    if (typeof path !== 'string' || !/^\$(\.[A-Za-z0-9_\-/*]+|\[\d+\]|\[\*\]|\['[^']*'\])*$/.test(path)) problems.push(`InputPathsMap value "${String(path)}" for "${name}" is not a JSON path EventBridge accepts (e.g. $.detail.status)`);
  }
  if (typeof t.InputTemplate !== 'string' || t.InputTemplate.length === 0) problems.push('InputTemplate is required');
  else {
    for (const m of t.InputTemplate.matchAll(/<([^<>\s"]+)>/g)) {
      const name = m[1]!;
      if (!(name in map) && !PREDEFINED.includes(name)) problems.push(`InputTemplate uses <${name}>, which InputPathsMap does not define`);
    }
  }
  return problems;
}

/** The text a target receives for `event`. */
export function targetInput(target: TargetInput, event: Record<string, unknown>, ctx: RuleContext): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) {
    const v = selectPath(event, target.InputPath);
    return v === undefined ? 'null' : JSON.stringify(v);
  }
  if (target.InputTransformer) return renderTemplate(target.InputTransformer, event, ctx);
  return JSON.stringify(event);
}

function predefined(name: string, event: Record<string, unknown>, ctx: RuleContext): unknown {
  switch (name) {
    case 'aws.events.rule-arn':
      return ctx.ruleArn;
    case 'aws.events.rule-name':
      return ctx.ruleName;
    case 'aws.events.event.ingestion-time':
      return ctx.ingestionTime;
    case 'aws.events.event.json':
      return event;
    default: {
      const { detail: _detail, ...rest } = event;
      return rest;
    }
  }
}

export function renderTemplate(t: InputTransformer, event: Record<string, unknown>, ctx: RuleContext): string {
  const map = t.InputPathsMap ?? {};
  const template = t.InputTemplate ?? '';
  const trimmed = template.trimStart();
  const json = trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"');
  const values = new Map<string, unknown>();
  const valueOf = (name: string): unknown => {
    if (!values.has(name)) values.set(name, name in map ? selectPath(event, map[name]!) : predefined(name, event, ctx));
    return values.get(name);
  };
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '\\' && inString) {
      out += c + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === '<') {
      const end = template.indexOf('>', i + 1);
      const name = end > 0 ? template.slice(i + 1, end) : '';
      if (name && (name in map || PREDEFINED.includes(name))) {
        const v = valueOf(name);
        if (!json) out += v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
        else if (inString) out += v === undefined ? '' : JSON.stringify(typeof v === 'string' ? v : JSON.stringify(v)).slice(1, -1);
        else out += v === undefined ? 'null' : JSON.stringify(v);
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}
