/**
 * The AWS Batch resources a state machine's Batch Tasks name (literal JobDefinition / JobQueue of
 * batch:submitJob, .sync and aws-sdk:batch:submitJob), and the definition with those names mapped
 * to where it runs: the local emulator's registered revisions, or the names deployed on AWS. Pure.
 */
import { asStr, isObj, type Obj } from '../values';
import { BATCH_SUBMIT_RESOURCE, JSONATA_EXPRESSION } from './language';
import { forEachState } from './structure';

export interface BatchRefs {
  readonly jobDefinitions: string[];
  readonly jobQueues: string[];
}

type Mapper = (ref: string) => string | undefined;

const literal = (v: unknown): string | undefined => {
  const s = asStr(v);
  return s !== undefined && s !== '' && !JSONATA_EXPRESSION.test(s) && !s.includes('${') ? s : undefined;
};

function paramsOf(state: Obj): Obj | undefined {
  const p = state.QueryLanguage === 'JSONata' || state.Arguments !== undefined ? state.Arguments : state.Parameters;
  return isObj(p) ? p : undefined;
}

function isBatchTask(state: Obj): boolean {
  return state.Type === 'Task' && typeof state.Resource === 'string' && BATCH_SUBMIT_RESOURCE.test(state.Resource);
}

export function batchReferences(def: unknown): BatchRefs {
  const out: BatchRefs = { jobDefinitions: [], jobQueues: [] };
  forEachState(def, (state) => {
    if (!isBatchTask(state)) return;
    const p = paramsOf(state);
    const jd = literal(p?.JobDefinition);
    const q = literal(p?.JobQueue);
    if (jd !== undefined && !out.jobDefinitions.includes(jd)) out.jobDefinitions.push(jd);
    if (q !== undefined && !out.jobQueues.includes(q)) out.jobQueues.push(q);
  });
  return out;
}

/** A copy of the definition with each literal JobDefinition / JobQueue replaced where a mapper knows it. */
export function mapBatchReferences(def: Obj, map: { jobDefinition: Mapper; jobQueue: Mapper }): Obj {
  const copy = structuredClone(def) as Record<string, unknown>;
  forEachState(copy, (state) => {
    if (!isBatchTask(state)) return;
    const p = paramsOf(state) as Record<string, unknown> | undefined;
    if (!p) return;
    const jd = literal(p.JobDefinition);
    const q = literal(p.JobQueue);
    const jdTo = jd === undefined ? undefined : map.jobDefinition(jd);
    const qTo = q === undefined ? undefined : map.jobQueue(q);
    if (jdTo !== undefined) p.JobDefinition = jdTo;
    if (qTo !== undefined) p.JobQueue = qTo;
  });
  return copy;
}
