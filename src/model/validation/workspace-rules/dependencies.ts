/**
 * A workflow job's `dependsOn`: each `{job}` names another job of the same workflow; N_TO_N links
 * two array jobs of the same size; SEQUENTIAL (no job) is for array jobs only.
 */
import { asArr, asNum, asStr, objEntries, prop } from '../../values';
import type { WorkflowJobEntry } from '../../workspace';
import { didYouMean, type WorkspaceRule } from './context';

/** The array size of a workflow job, or undefined when it is not an array job. */
export function arraySize(job: WorkflowJobEntry | undefined): number | undefined {
  return asNum(prop(job?.value.arrayProperties, 'size'));
}

export const dependencyEntries: WorkspaceRule = ({ ws, report, closest }) => {
  for (const wf of ws.workflows) {
    const allNames = objEntries(wf.value.jobs).map(([k]) => k);
    const known = new Set(allNames);
    for (const job of wf.jobs) {
      asArr(job.value.dependsOn)?.forEach((dep, i) => {
        const at = [...job.path, 'dependsOn', i];
        const target = prop(dep, 'job');
        const type = prop(dep, 'type');
        const name = asStr(target);
        if (target === undefined && type === undefined && dep !== null && typeof dep === 'object' && !Array.isArray(dep)) {
          report('error', wf.doc, at, 'dependency-empty', `Job '${job.key}': a dependency needs a 'job', or 'type: SEQUENTIAL' for an array job whose children run one after another`);
          return;
        }
        if (type === 'SEQUENTIAL') {
          if (target !== undefined) {
            report('error', wf.doc, [...at, 'job'], 'sequential-with-job',
              `Job '${job.key}': a SEQUENTIAL dependency takes no 'job' (AWS SEQUENTIAL has no jobId; it makes the children of this array job run one after another). Use N_TO_N or a plain dependency on '${name ?? String(target)}'`);
          } else if (arraySize(job) === undefined) {
            report('error', wf.doc, [...at, 'type'], 'sequential-not-array', `Job '${job.key}' is not an array job (no arrayProperties.size), so it cannot have a SEQUENTIAL dependency`);
          }
          return;
        }
        if (name === undefined) return;
        if (name === job.key) {
          report('error', wf.doc, [...at, 'job'], 'self-dependency', `Job '${job.key}' depends on itself, so it would wait forever${arraySize(job) !== undefined ? "; use '{type: SEQUENTIAL}' to run its children one after another" : ''}`);
          return;
        }
        const other = wf.job(name);
        if (!known.has(name)) {
          const best = closest(name, allNames.filter((n) => n !== job.key));
          report('error', wf.doc, [...at, 'job'], 'unknown-dependency', `Job '${job.key}' depends on '${name}', which is not a job of this workflow${didYouMean(best)}`, 'value', best);
          return;
        }
        if (type !== 'N_TO_N') return;
        const mine = arraySize(job);
        const theirs = arraySize(other);
        const nonArrays = [mine === undefined ? job.key : undefined, theirs === undefined ? name : undefined].filter((n) => n !== undefined);
        if (nonArrays.length > 0) {
          report('error', wf.doc, [...at, 'type'], 'n-to-n-not-array',
            `Job '${job.key}': an N_TO_N dependency on '${name}' needs two array jobs, but ${nonArrays.map((n) => `'${n}'`).join(' and ')} ${nonArrays.length > 1 ? 'are not array jobs' : 'is not an array job'}`);
        } else if (mine !== theirs) {
          report('error', wf.doc, [...at, 'type'], 'n-to-n-size-mismatch',
            `Job '${job.key}' (array size ${mine}) has an N_TO_N dependency on '${name}' (array size ${theirs}); N_TO_N needs arrays of the same size`);
        }
      });
    }
  }
};
