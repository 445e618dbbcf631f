/** Shared harness for the single-file rule tests: each case breaks one rule, and has a valid twin. */
import assert from 'node:assert/strict';
import type { Diagnostic, Severity } from '../../../../src/model/diagnostics';
import { validateSource } from '../../../../src/model/validation/index';
import { FILE_RULES, type FileRuleId } from '../../../../src/model/validation/rules/ruleIds';

export interface RuleCase {
  /** What the case shows (the test title). */
  readonly title: string;
  readonly rule: FileRuleId;
  /** The file name decides kind and format, e.g. `x.jobdef.yaml`. */
  readonly file: string;
  readonly text: string;
  /** One-based line and (optional) column where the diagnostic must start. */
  readonly line: number;
  readonly column?: number;
  readonly severity?: Severity;
  /** How many diagnostics of this rule the text gives (default 1). */
  readonly count?: number;
  /** The same file fixed: no diagnostic of any single-file rule. */
  readonly valid: string;
}

/** Rule ids exercised by some case; filled while the test files load. */
export const EXERCISED = new Set<string>();
/** Every case, as the test files load (the template tests re-run them inside CloudFormation templates). */
export const CASES: RuleCase[] = [];

/** Diagnostics of the single-file rules only, so the tests do not depend on schema output. */
export function fileRuleDiagnostics(file: string, text: string): Diagnostic[] {
  return validateSource({ path: file, text }).filter((d) => Object.prototype.hasOwnProperty.call(FILE_RULES, d.rule) || d.rule === 'internal');
}

export function runCases(cases: readonly RuleCase[]): void {
  for (const c of cases) {
    EXERCISED.add(c.rule);
    CASES.push(c);
    it(`${c.rule}: ${c.title}`, () => {
      const all = fileRuleDiagnostics(c.file, c.text);
      const hits = all.filter((d) => d.rule === c.rule);
      const where = all.map((d) => `${d.range.start.line + 1}:${d.range.start.column + 1} [${d.rule}] ${d.message}`).join('\n');
      assert.equal(hits.length, c.count ?? 1, `expected ${c.count ?? 1} ${c.rule}, got:\n${where}`);
      const at = hits.find((d) => d.range.start.line + 1 === c.line && (c.column === undefined || d.range.start.column + 1 === c.column));
      assert.ok(at, `expected ${c.rule} at ${c.line}:${c.column ?? '*'}, got:\n${where}`);
      assert.equal(at.severity, c.severity ?? 'error');
      assert.ok(at.message.length > 20, 'the message explains the problem');
    });
    it(`${c.rule}: quiet on the valid twin of "${c.title}"`, () => {
      const all = fileRuleDiagnostics(c.file, c.valid);
      assert.deepEqual(all.map((d) => `${d.range.start.line + 1}:${d.range.start.column + 1} [${d.rule}] ${d.message}`), []);
    });
  }
}

/** An EC2 container job definition (YAML, 8 lines); extra lines start at line 9. */
export const JOBDEF_YAML = `jobDefinitionName: demo
type: container
containerProperties:
  image: busybox
  command: [echo, hi]
  resourceRequirements:
    - {type: VCPU, value: "1"}
    - {type: MEMORY, value: "2048"}
`;

/** A minimal workflow job in YAML (3 lines); its extra fields start at line 4, indented 4. */
export const WORKFLOW_YAML = `jobs:
  step:
    jobDefinition: demo
`;
