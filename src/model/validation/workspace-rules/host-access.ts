/**
 * What running a job definition locally would touch on this machine, and what it would lack:
 * host paths outside the workspace, the Docker socket, devices and privileged mode (refused locally
 * unless localbatch.yaml allows them), and secrets (also EKS secret volumes) with no local value.
 */
import { deviceProblem, hostPathProblem, privilegedProblem, resolvePolicy, type HostAccessProblem } from '../../host-access';
import type { JsonPath } from '../../document';
import { hasLocalSecret } from '../../secret-refs';
import { asArr, asStr, isObj, objEntries, prop, type Obj } from '../../values';
import type { DefinitionEntry } from '../../workspace';
import type { WorkspaceRule } from './context';

/** Every container of a job definition with its path in the file. */
function containers(def: DefinitionEntry): Array<[Obj, JsonPath]> {
  const out: Array<[Obj, JsonPath]> = [];
  const cp = prop(def.value, 'containerProperties');
  if (isObj(cp)) out.push([cp, ['containerProperties']]);
  (asArr(prop(prop(def.value, 'nodeProperties'), 'nodeRangeProperties')) ?? []).forEach((range, i) => {
    const c = prop(range, 'container');
    if (isObj(c)) out.push([c, ['nodeProperties', 'nodeRangeProperties', i, 'container']]);
  });
  return out;
}

export const hostAccess: WorkspaceRule = ({ ws, options, report }) => {
  const settings = ws.settings?.value;
  const policy = resolvePolicy(settings, options.workspaceRoot);
  const mapped = new Set(objEntries(settings?.volumes).map(([k]) => k));
  const warn = (def: DefinitionEntry, path: JsonPath, problem: HostAccessProblem) =>
    report('warning', def.doc, path, problem.rule, `Job definition '${def.name}' ${problem.message}`);
  for (const def of ws.jobDefinitions.values()) {
    for (const [c, at] of containers(def)) {
      (asArr(c.volumes) ?? []).forEach((v, i) => {
        const source = asStr(prop(prop(v, 'host'), 'sourcePath'));
        if (source === undefined || mapped.has(source)) return;
        const problem = hostPathProblem(source, policy);
        if (problem) warn(def, [...at, 'volumes', i, 'host', 'sourcePath'], problem);
      });
      (asArr(prop(c.linuxParameters, 'devices')) ?? []).forEach((d, i) => {
        const hostPath = asStr(prop(d, 'hostPath'));
        const problem = hostPath === undefined ? undefined : deviceProblem(hostPath, policy);
        if (problem) warn(def, [...at, 'linuxParameters', 'devices', i, 'hostPath'], problem);
      });
      const privileged = c.privileged === true ? privilegedProblem(policy) : undefined;
      if (privileged) warn(def, [...at, 'privileged'], privileged);
    }
  }
};

export const localSecrets: WorkspaceRule = ({ ws, options, report }) => {
  const keys = options.secretKeys;
  if (!keys) return;
  // A Kubernetes secret lives in the cluster, never in AWS: always local (kubernetes/<name>).
  for (const def of ws.jobDefinitions.values()) {
    const pod = prop(prop(def.value, 'eksProperties'), 'podProperties');
    (asArr(prop(pod, 'volumes')) ?? []).forEach((v, i) => {
      const secret = prop(v, 'secret');
      const name = asStr(prop(secret, 'secretName'));
      if (name === undefined || prop(secret, 'optional') === true || keys.has(`kubernetes/${name}`)) return;
      report('warning', def.doc, ['eksProperties', 'podProperties', 'volumes', i, 'secret', 'secretName'], 'secret-without-local-value',
        `Job definition '${def.name}' mounts the Kubernetes secret ${name}, which has no value in .localbatch/secrets.yaml; ` +
          `a local run fails to start unless you add kubernetes/${name} there (a mapping of file name to content)`);
    });
  }
  if (prop(prop(ws.settings?.value, 'aws'), 'secrets') === 'fetch') return;
  for (const def of ws.jobDefinitions.values()) {
    for (const [c, at] of containers(def)) {
      const lists: Array<[unknown, JsonPath]> = [
        [c.secrets, [...at, 'secrets']],
        [prop(c.logConfiguration, 'secretOptions'), [...at, 'logConfiguration', 'secretOptions']],
      ];
      for (const [list, listPath] of lists) {
        (asArr(list) ?? []).forEach((s, i) => {
          const valueFrom = asStr(prop(s, 'valueFrom'));
          if (valueFrom === undefined || hasLocalSecret(valueFrom, keys)) return;
          const name = asStr(prop(s, 'name')) ?? valueFrom;
          report('warning', def.doc, [...listPath, i, 'valueFrom'], 'secret-without-local-value',
            `Job definition '${def.name}' takes the secret ${name} from ${valueFrom}, which has no value in .localbatch/secrets.yaml; ` +
              'a local run fails to start with ResourceInitializationError unless you add it there or set aws.secrets: fetch in localbatch.yaml');
        });
      }
    }
  }
};
