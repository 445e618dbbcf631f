/**
 * JSONPath input and output processing of a state: InputPath → Parameters → (task) → ResultSelector
 * → ResultPath → OutputPath, and payload templates whose `key.$` fields take a path or an intrinsic.
 */
import { StatesError } from './errors';
import { evaluateIntrinsic, isIntrinsic, type IntrinsicOptions } from './intrinsics';
import { mustRead, readPath, type PathScope } from './paths';

/** InputPath / OutputPath: null gives `{}`, absent gives the whole value. */
export function selectPath(path: string | null | undefined, scope: PathScope, field: 'InputPath' | 'OutputPath' | 'ItemsPath'): unknown {
  if (path === null) return {};
  if (path === undefined || path === '$') return scope.input;
  const r = readPath(path, scope);
  if (!r.found) throw new StatesError('States.Runtime', `Invalid path '${path}' : No results for path: ${path} (the ${field} selects nothing in the input ${JSON.stringify(scope.input)})`);
  return r.value;
}

/** A payload template (Parameters, ResultSelector, ItemSelector, Assign) with its `.$` fields resolved. */
export function applyTemplate(template: unknown, scope: PathScope, options: IntrinsicOptions = {}): unknown {
  if (Array.isArray(template)) return template.map((t) => applyTemplate(t, scope, options));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
    if (key.endsWith('.$') && key.length > 2) {
      const name = key.slice(0, -2);
      if (typeof value !== 'string') throw new StatesError('States.Runtime', `The value of the field '${key}' must be a path or an intrinsic function`);
      out[name] = isIntrinsic(value)
        ? evaluateIntrinsic(value, scope, options)
        : mustRead(value, scope, () => `The JSONPath '${value}' specified for the field '${key}' could not be found in the input '${JSON.stringify(scope.input)}'`);
    } else {
      out[key] = applyTemplate(value, scope, options);
    }
  }
  return out;
}
