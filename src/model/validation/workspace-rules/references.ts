/**
 * References between files: a workflow job's `jobDefinition` and `jobQueue`, and a queue's
 * `computeEnvironmentOrder[].computeEnvironment`. ARNs are accepted as they are (the resource may
 * exist only on AWS); names must be defined in the workspace (`local` is the built-in local queue).
 */
import { LOCAL_QUEUE_NAME } from '../../types';
import { asArr, asStr, prop } from '../../values';
import type { SourceDocument } from '../../document';
import { isArn, parseRef, type Workspace } from '../../workspace';
import { definedElsewhere, didYouMean, type WorkspaceRule } from './context';

const LABELS = { jobDefinition: 'job definition', jobQueue: 'job queue', computeEnvironment: 'compute environment' } as const;

/**
 * When a definition file of this kind cannot be read (syntax error), a name it may define is not
 * "not defined": say which file to fix instead of suggesting another name.
 */
function unreadableMessage(ws: Workspace, kind: keyof typeof LABELS, name: string, subject: string): string | undefined {
  const docs: SourceDocument[] = ws.unreadableFor(kind, name);
  if (docs.length === 0) return undefined;
  const files = docs.slice(0, 3).map((d) => d.file).join(', ') + (docs.length > 3 ? `, …` : '');
  // (a file is unreadable for a syntax error, or for holding no mapping: an empty file, a list)
  const syntax = docs.every((d) => d.syntaxErrors.length > 0);
  const why = syntax ? (docs.length === 1 ? 'has a syntax error' : 'have syntax errors') : docs.length === 1 ? 'holds no definition (a syntax error, or no mapping)' : 'hold no definitions (syntax errors, or no mapping)';
  return `${subject} uses the ${LABELS[kind]} '${name}', which localbatch cannot read: ${files} ${why}; fix ${docs.length === 1 ? 'it' : 'them'} first`;
}

export const unknownJobDefinition: WorkspaceRule = ({ ws, report, closest, options }) => {
  for (const job of ws.workflowJobs()) {
    const ref = asStr(job.value.jobDefinition);
    if (ref === undefined || isArn(ref) || ws.jobDefinition(ref)) continue;
    const parsed = parseRef(ref, 'job-definition');
    const name = parsed?.name ?? ref;
    const unreadable = unreadableMessage(ws, 'jobDefinition', name, `Job '${job.key}'`);
    if (unreadable) {
      report('error', job.workflow.doc, [...job.path, 'jobDefinition'], 'unknown-job-definition', unreadable);
      continue;
    }
    const best = closest(name, ws.jobDefinitions.keys());
    // The replacement keeps a `:revision` the reference has.
    const replacement = best === undefined ? undefined : parsed?.revision !== undefined ? `${best}:${parsed.revision}` : best;
    report('error', job.workflow.doc, [...job.path, 'jobDefinition'], 'unknown-job-definition',
      `Job '${job.key}' uses the job definition '${name}', which is not defined in the workspace${didYouMean(best)}${definedElsewhere(options, 'jobDefinition', name)}`, 'value', replacement);
  }
};

export const unknownJobQueue: WorkspaceRule = ({ ws, report, closest, options }) => {
  for (const job of ws.workflowJobs()) {
    const ref = asStr(job.value.jobQueue);
    if (ref === undefined || ref === LOCAL_QUEUE_NAME || isArn(ref) || ws.jobQueue(ref)) continue;
    const unreadable = unreadableMessage(ws, 'jobQueue', ref, `Job '${job.key}'`);
    if (unreadable) {
      report('error', job.workflow.doc, [...job.path, 'jobQueue'], 'unknown-job-queue', unreadable);
      continue;
    }
    const best = closest(ref, [...ws.jobQueues.keys(), LOCAL_QUEUE_NAME]);
    report('error', job.workflow.doc, [...job.path, 'jobQueue'], 'unknown-job-queue',
      `Job '${job.key}' uses the job queue '${ref}', which is not defined in the workspace${didYouMean(best)}${definedElsewhere(options, 'jobQueue', ref)}`, 'value', best);
  }
};

export const unknownComputeEnvironment: WorkspaceRule = ({ ws, report, closest, options }) => {
  for (const queue of ws.jobQueues.values()) {
    asArr(queue.value.computeEnvironmentOrder)?.forEach((item, i) => {
      const ref = asStr(prop(item, 'computeEnvironment'));
      if (ref === undefined || isArn(ref) || ws.computeEnvironment(ref)) return;
      const unreadable = unreadableMessage(ws, 'computeEnvironment', ref, `Job queue '${queue.name}'`);
      if (unreadable) {
        report('error', queue.doc, ['computeEnvironmentOrder', i, 'computeEnvironment'], 'unknown-compute-environment', unreadable);
        return;
      }
      const best = closest(ref, ws.computeEnvironments.keys());
      report('error', queue.doc, ['computeEnvironmentOrder', i, 'computeEnvironment'], 'unknown-compute-environment',
        `Job queue '${queue.name}' uses the compute environment '${ref}', which is not defined in the workspace${didYouMean(best)}${definedElsewhere(options, 'computeEnvironment', ref)}`, 'value', best);
    });
  }
};
