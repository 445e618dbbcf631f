/**
 * Semantic rules that one file can break on its own (issue 2, item 4). They run after the schema
 * check and skip any value of the wrong type, so a problem is reported once. Rule ids: ./ruleIds.
 */
import type { DefinitionKind } from '../../kinds';
import type { Reporter } from '../reporter';
import { checkComputeEnvironment } from './computeEnvironment';
import { checkJobDefinition } from './jobDefinition';
import { checkJobQueue } from './jobQueue';
import { checkSettings } from './settings';
import { checkWorkflow } from './workflow';
import { checkDefinition } from '../../asl/rules';

export { FILE_RULES, type FileRuleId } from './ruleIds';

const CHECKS: Readonly<Record<DefinitionKind, (value: unknown, reporter: Reporter) => void>> = {
  jobDefinition: checkJobDefinition,
  jobQueue: checkJobQueue,
  computeEnvironment: checkComputeEnvironment,
  workflow: checkWorkflow,
  settings: checkSettings,
  // Amazon States Language files: structure and expressions (src/model/asl).
  stateMachine: (value, r) => checkDefinition(value, (severity, path, rule, message, part, suggestion) => r.report(severity, path, rule, message, part, suggestion)),
};

/** Runs the single-file rules of `kind` on a parsed document, reporting through `reporter`. Never throws. */
export function checkFileRules(kind: DefinitionKind, value: unknown, reporter: Reporter): void {
  const check = Object.prototype.hasOwnProperty.call(CHECKS, kind) ? CHECKS[kind] : undefined;
  if (!check) return;
  try {
    check(value, reporter);
  } catch (err) {
    // A rule bug must not hide the other diagnostics of the file.
    reporter.error([], 'internal', `localbatch could not finish checking this file: ${String(err)}`);
  }
}
