/**
 * The parameters of AWS Batch Tasks (batch:submitJob, .sync, aws-sdk:batch:submitJob): JobName,
 * JobDefinition and JobQueue given, and no parameter Step Functions does not take (with a
 * did-you-mean). Step Functions refuses such a definition at create time. Pure.
 */
import { closestName } from '../validation/workspace-rules/context';
import { asStr, isObj } from '../values';
import { BATCH_SUBMIT_PARAMETERS, BATCH_SUBMIT_RESOURCE } from './language';
import type { AslReport } from './rules';
import { forEachState } from './structure';

const REQUIRED = ['JobName', 'JobDefinition', 'JobQueue'];

/** Calls `each` with every Batch Task of `def` and its parameters (Parameters, or Arguments in JSONata). */
export function forEachBatchTask(def: unknown, each: (params: unknown, field: 'Parameters' | 'Arguments', path: readonly (string | number)[], name: string) => void): void {
  const jsonata = isObj(def) && def.QueryLanguage === 'JSONata';
  forEachState(def, (state, path, name) => {
    const resource = asStr(state.Resource);
    if (state.Type !== 'Task' || !resource || !BATCH_SUBMIT_RESOURCE.test(resource)) return;
    const usesJsonata = state.QueryLanguage === 'JSONata' || (jsonata && state.QueryLanguage !== 'JSONPath');
    const field = usesJsonata ? 'Arguments' : 'Parameters';
    each(state[field], field, path, name);
  });
}

export function checkBatchParameters(def: unknown, report: AslReport): void {
  forEachBatchTask(def, (params, field, path, name) => {
    if (!isObj(params)) {
      if (params === undefined) report('error', path, 'asl-batch-parameter', `The Task '${name}' calls AWS Batch SubmitJob: give ${field} with JobName, JobDefinition and JobQueue`, 'key');
      return;
    }
    const given = (k: string) => params[k] !== undefined || params[`${k}.$`] !== undefined;
    const missing = REQUIRED.filter((k) => !given(k));
    if (missing.length > 0) report('error', [...path, field], 'asl-batch-parameter', `The Task '${name}' calls AWS Batch SubmitJob without ${missing.join(', ')}`, 'key');
    for (const key of Object.keys(params)) {
      const bare = key.endsWith('.$') ? key.slice(0, -2) : key;
      if ((BATCH_SUBMIT_PARAMETERS as readonly string[]).includes(bare)) continue;
      const best = closestName(bare, BATCH_SUBMIT_PARAMETERS);
      report('error', [...path, field, key], 'asl-batch-parameter', `Unknown property '${key}' of batch:submitJob${best ? ` (did you mean '${best}'?)` : ''}`, 'key', best === undefined ? undefined : key.endsWith('.$') ? `${best}.$` : best);
    }
  });
}
