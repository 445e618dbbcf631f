/** `Ref::name` parameter substitution placeholders in commands (UG:job_definition_parameters#parameters). */
import type { Reporter } from '../reporter';
import { arr, entries, get, isObj, type Path } from './util';

/** A placeholder `Ref::name` inside a command argument; the name is what the parameters map keys. */
export const PLACEHOLDER = /Ref::([A-Za-z0-9_-]+)/g;

/** The placeholder names used in one command list, with the index of the argument each is in. */
export function placeholdersIn(command: unknown): Array<{ name: string; index: number }> {
  const out: Array<{ name: string; index: number }> = [];
  arr(command)?.forEach((arg, index) => {
    if (typeof arg !== 'string') return;
    for (const m of arg.matchAll(PLACEHOLDER)) out.push({ name: m[1], index });
  });
  return out;
}

/**
 * Warns for each `Ref::name` in a job definition's command whose name has no default in its
 * `parameters`: every SubmitJob must then supply it, or the literal text reaches the container.
 */
export function checkCommandPlaceholders(command: unknown, path: Path, defaults: unknown, r: Reporter): void {
  const known = new Set(isObj(defaults) ? entries(defaults).map(([k]) => k) : []);
  const reported = new Set<string>();
  for (const { name, index } of placeholdersIn(command)) {
    if (known.has(name) || reported.has(name)) continue;
    reported.add(name);
    r.warning(
      [...path, index],
      'parameter-no-default',
      `Ref::${name} has no default in parameters; every job must supply parameters.${name} at submit time, or the text "Ref::${name}" is passed to the container unchanged`,
    );
  }
}

/** Commands of the ECS/EKS property shapes: taskProperties[].containers[].command, podProperties.containers[].command/args. */
export function checkNestedCommandPlaceholders(props: { ecs?: unknown; eks?: unknown }, path: Path, defaults: unknown, r: Reporter): void {
  arr(get(props.ecs, 'taskProperties'))?.forEach((task, t) => {
    arr(get(task, 'containers'))?.forEach((c, i) => {
      checkCommandPlaceholders(get(c, 'command'), [...path, 'ecsProperties', 'taskProperties', t, 'containers', i, 'command'], defaults, r);
    });
  });
  const pod = get(props.eks, 'podProperties');
  for (const key of ['containers', 'initContainers']) {
    arr(get(pod, key))?.forEach((c, i) => {
      for (const field of ['command', 'args']) {
        checkCommandPlaceholders(get(c, field), [...path, 'eksProperties', 'podProperties', key, i, field], defaults, r);
      }
    });
  }
}
