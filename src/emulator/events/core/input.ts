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
import { PREDEFINED, type InputTransformer } from '../../../model/events/input-transformer';

export { checkInputTransformer, type InputTransformer } from '../../../model/events/input-transformer';

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

/** The value a JSON path selects from `doc` (undefined when nothing); several matches give an array. */
export function selectPath(doc: unknown, path: string): unknown {
  const found = JSONPath({ path, json: doc as object, wrap: true }) as unknown[] | undefined;
  if (!found || found.length === 0) return undefined;
  // A path with a wildcard selects a list; a plain path one value.
  return /\*|\.\.|\[.*[:,].*\]/.test(path) ? found : found[0];
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
