/**
 * State machines against the workspace: template state machines get the definition checks that ASL
 * files get as files (src/model/asl/rules.ts), and every AWS Batch Task (batch:submitJob, .sync,
 * aws-sdk:batch:submitJob) is checked: JobName, JobDefinition and JobQueue given, no parameter Step
 * Functions does not take, and a literal JobDefinition / JobQueue names one of the workspace's
 * (ARNs are accepted as they are; `local` is the built-in queue), with a did-you-mean fix.
 */
import type { SourceDocument, JsonPath } from '../../document';
import { checkDefinition, type AslReport } from '../../asl/rules';
import { checkBatchParameters, forEachBatchTask } from '../../asl/batch-params';
import { JSONATA_EXPRESSION } from '../../asl/language';
import type { StateMachineEntry } from '../../asl/types';
import { LOCAL_QUEUE_NAME } from '../../types';
import { asStr, isObj, type Obj } from '../../values';
import { isArn, parseRef } from '../../workspace';
import { definedElsewhere, didYouMean, type WorkspaceRule, type WorkspaceRuleContext } from './context';

export const stateMachineRules: WorkspaceRule = (ctx) => {
  const seen = new Set<string>();
  // A definition read both as a file and through a template's DefinitionUri is reported once.
  const report = (doc: SourceDocument): AslReport => (severity, path, rule, message, part = 'value', suggestion) => {
    const r = doc.rangeOf(path, part);
    const key = `${doc.file}:${r.start.line}:${r.start.column}:${rule}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    ctx.report(severity, doc, path, rule, message, part, suggestion);
  };
  for (const m of ctx.ws.stateMachines) {
    if (!m.definition) continue;
    if (!m.checkedAsFile) checkDefinition(m.definition, report(m.doc));
    checkBatchTasks(ctx, m, report(m.doc));
  }
};

function checkBatchTasks(ctx: WorkspaceRuleContext, m: StateMachineEntry, report: AslReport): void {
  checkBatchParameters(m.definition, report);
  forEachBatchTask(m.definition, (params, field, path, name) => {
    if (!isObj(params)) return;
    checkReference(ctx, params, [...path, field], name, 'JobDefinition', report);
    checkReference(ctx, params, [...path, field], name, 'JobQueue', report);
  });
}

function checkReference(ctx: WorkspaceRuleContext, params: Obj, at: JsonPath, state: string, key: 'JobDefinition' | 'JobQueue', report: AslReport): void {
  const ref = asStr(params[key]);
  // Paths, JSONata, unresolved substitutions and ARNs (the resource may exist only on AWS) are not checked.
  if (ref === undefined || ref === '' || isArn(ref) || JSONATA_EXPRESSION.test(ref) || ref.includes('${')) return;
  const { ws } = ctx;
  if (key === 'JobQueue') {
    if (ref === LOCAL_QUEUE_NAME || ws.jobQueue(ref)) return;
    const best = ctx.closest(ref, [...ws.jobQueues.keys(), LOCAL_QUEUE_NAME]);
    report('error', [...at, key], 'unknown-job-queue', `The Task '${state}' uses the job queue '${ref}', which is not defined in the workspace${didYouMean(best)}${definedElsewhere(ctx.options, 'jobQueue', ref)}`, 'value', best);
    return;
  }
  if (ws.jobDefinition(ref)) return;
  const parsed = parseRef(ref, 'job-definition');
  const best = ctx.closest(parsed?.name ?? ref, ws.jobDefinitions.keys());
  const replacement = best === undefined ? undefined : parsed?.revision !== undefined ? `${best}:${parsed.revision}` : best;
  report('error', [...at, key], 'unknown-job-definition', `The Task '${state}' uses the job definition '${parsed?.name ?? ref}', which is not defined in the workspace${didYouMean(best)}${definedElsewhere(ctx.options, 'jobDefinition', parsed?.name ?? ref)}`, 'value', replacement);
}
