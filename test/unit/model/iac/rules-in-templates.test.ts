/**
 * Every single-file rule case (test/unit/model/rules), re-written as a CloudFormation template:
 * the API-shaped definition becomes the Properties of an AWS::Batch resource (PascalCase names,
 * user maps kept), and the rule must be reported at the template node of the same property.
 */
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { SourceDocument, type JsonPath } from '../../../../src/model/document';
import { kindOfFile } from '../../../../src/model/kinds';
import { validateWorkspace } from '../../../../src/model/validation';
import { isObj } from '../../../../src/model/values';
import '../rules/environments.test';
import '../rules/jobDefinition.test';
import '../rules/resources.test';
import '../rules/retry.test';
import '../rules/workflow.test';
import { CASES, fileRuleDiagnostics } from '../rules/helpers';

const TYPES = { jobDefinition: 'AWS::Batch::JobDefinition', jobQueue: 'AWS::Batch::JobQueue', computeEnvironment: 'AWS::Batch::ComputeEnvironment' } as const;
const USER_MAPS = new Set(['parameters', 'tags', 'options', 'labels', 'annotations', 'limits', 'requests']);

/** The API value with CloudFormation's property names. */
function toCfn(v: unknown, userMap = false): unknown {
  if (Array.isArray(v)) return v.map((i) => toCfn(i));
  if (!isObj(v) || userMap) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k[0].toUpperCase() + k.slice(1), toCfn(x, USER_MAPS.has(k))]));
}

function pascalPath(path: JsonPath): JsonPath {
  let inMap = false;
  return path.map((seg) => {
    if (typeof seg === 'number' || inMap) {
      inMap = false;
      return seg;
    }
    inMap = USER_MAPS.has(seg);
    return seg[0].toUpperCase() + seg.slice(1);
  });
}

/** Every path of a value, deepest first. */
function paths(v: unknown, at: JsonPath = []): JsonPath[] {
  const kids = Array.isArray(v) ? v.map((x, i) => paths(x, [...at, i])) : isObj(v) ? Object.entries(v).map(([k, x]) => paths(x, [...at, k])) : [];
  return [...kids.flat(), at];
}

/** The path (and part) whose range starts where the diagnostic does. */
function pathAt(doc: SourceDocument, line: number, column: number): { path: JsonPath; part: 'key' | 'value' } | undefined {
  for (const p of paths(doc.value)) {
    for (const part of ['key', 'value'] as const) {
      if (part === 'key' && p.length === 0) continue;
      const r = doc.rangeOf(p, part);
      if (r.start.line === line && r.start.column === column && (part === 'value' || doc.has(p))) return { path: p, part };
    }
  }
  return undefined;
}

describe('IaC: every single-file rule at its line inside a CloudFormation template', () => {
  const cases = CASES.filter((c) => {
    const k = kindOfFile(c.file)?.kind;
    return k === 'jobDefinition' || k === 'jobQueue' || k === 'computeEnvironment';
  });
  const seen = new Set<string>();
  for (const c of cases) {
    const key = `${c.rule}: ${c.title}`;
    if (seen.has(key)) continue;
    seen.add(key);
    it(key, () => {
      const kind = kindOfFile(c.file)!;
      const original = SourceDocument.parse(c.file, c.text, kind.format);
      const expected = fileRuleDiagnostics(c.file, c.text).filter((d) => d.rule === c.rule);
      assert.ok(expected.length > 0, 'the case breaks its rule as a definition file');
      const template = { AWSTemplateFormatVersion: '2010-09-09', Resources: { Subject: { Type: TYPES[kind.kind as keyof typeof TYPES], Properties: toCfn(original.value) } } };
      const text = stringify(template, { lineWidth: 0 });
      const file = 'case.template.yaml';
      const got = validateWorkspace([{ path: file, text }]).filter((d) => d.rule === c.rule);
      const shown = got.map((d) => `${d.range.start.line + 1}:${d.range.start.column + 1} ${d.message}`).join('\n');
      assert.equal(got.length, expected.length, `expected ${expected.length} ${c.rule} in:\n${text}\ngot:\n${shown}`);
      const templateDoc = SourceDocument.parse(file, text, 'yaml');
      for (const e of expected) {
        const at = pathAt(original, e.range.start.line, e.range.start.column);
        assert.ok(at, `the case's diagnostic starts at a node (${e.range.start.line + 1}:${e.range.start.column + 1})`);
        const want = templateDoc.rangeOf(['Resources', 'Subject', 'Properties', ...pascalPath(at.path)], at.part);
        assert.ok(got.some((d) => d.range.start.line === want.start.line && d.range.start.column === want.start.column),
          `expected ${c.rule} at ${want.start.line + 1}:${want.start.column + 1} (${at.path.join('.')}) in:\n${text}\ngot:\n${shown}`);
      }
    });
  }
});
