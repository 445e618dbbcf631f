/** Environment variables of every container shape: ECS containers, ECS task containers, EKS containers. */
import type { Reporter } from '../reporter';
import { arr, get, show, str, type Path } from './util';

export const RESERVED_ENV_PREFIX = 'AWS_BATCH';

/**
 * One environment list (`[{name, value}]`). M:ContainerProperties.environment, M:ContainerOverrides.environment,
 * M:EksContainer.env: 'Environment variables cannot start with "AWS_BATCH".'
 */
export function checkEnvironment(list: unknown, path: Path, r: Reporter): void {
  const items = arr(list);
  if (!items) return;
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const name = str(get(item, 'name'));
    if (name === undefined) return;
    const at = [...path, i, 'name'];
    if (name.startsWith(RESERVED_ENV_PREFIX)) {
      r.error(at, 'env-reserved-name', `environment variable ${show(name)} starts with "${RESERVED_ENV_PREFIX}", a prefix reserved for variables AWS Batch sets; rename it`);
    }
    const first = seen.get(name);
    if (first !== undefined) {
      r.warning(at, 'env-duplicate-name', `environment variable ${show(name)} is set twice (also entry ${first + 1}); only one value reaches the container`);
    } else {
      seen.set(name, i);
    }
  });
}

/** `ecsProperties` / `ecsPropertiesOverride`: taskProperties[].containers[].environment. */
export function checkEcsEnvironment(ecs: unknown, path: Path, r: Reporter): void {
  arr(get(ecs, 'taskProperties'))?.forEach((task, t) => {
    arr(get(task, 'containers'))?.forEach((c, i) => {
      checkEnvironment(get(c, 'environment'), [...path, 'taskProperties', t, 'containers', i, 'environment'], r);
    });
  });
}

/** `eksProperties` / `eksPropertiesOverride`: podProperties.{containers,initContainers}[].env. */
export function checkEksEnvironment(eks: unknown, path: Path, r: Reporter): void {
  const pod = get(eks, 'podProperties');
  for (const key of ['containers', 'initContainers']) {
    arr(get(pod, key))?.forEach((c, i) => {
      checkEnvironment(get(c, 'env'), [...path, 'podProperties', key, i, 'env'], r);
    });
  }
}
