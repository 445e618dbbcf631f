import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Diagnostic } from '../../../../src/model/diagnostics';
import { SourceDocument } from '../../../../src/model/document';
import type { DefinitionKind } from '../../../../src/model/kinds';
import { validateSource } from '../../../../src/model/validation/index';
import { Reporter } from '../../../../src/model/validation/reporter';
import { checkFileRules, FILE_RULES } from '../../../../src/model/validation/rules';
import { EXERCISED, fileRuleDiagnostics } from './helpers';

const FILES = ['p.jobdef.json', 'p.jobdef.yaml', 'p.jobqueue.json', 'p.jobqueue.yml', 'p.computeenv.json', 'p.computeenv.yaml', 'p.workflow.json', 'p.workflow.yaml', 'localbatch.yaml'];
const KINDS: DefinitionKind[] = ['jobDefinition', 'jobQueue', 'computeEnvironment', 'workflow', 'settings'];

function assertWellFormed(text: string, diagnostics: readonly Diagnostic[]): void {
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const d of diagnostics) {
    assert.notEqual(d.rule, 'internal', `a check threw: ${d.message}`);
    const { start, end } = d.range;
    for (const p of [start, end]) {
      assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lines, `line ${p.line} outside 0..${lines - 1}`);
      assert.ok(Number.isInteger(p.column) && p.column >= 0, `column ${p.column}`);
    }
    assert.ok(start.line < end.line || (start.line === end.line && start.column <= end.column), 'range starts before it ends');
    assert.ok(d.severity === 'error' || d.severity === 'warning');
    assert.ok(d.message.length > 0 && d.rule.length > 0);
  }
}

function validateBoth(value: unknown, files: readonly string[] = FILES): void {
  let json: string | undefined;
  let yaml: string | undefined;
  try {
    json = JSON.stringify(value, null, 2);
    yaml = stringify(value);
  } catch {
    return; // not serializable (e.g. a bigint): nothing to parse
  }
  for (const file of files) {
    const text = file.endsWith('.json') ? json : yaml;
    if (text === undefined) continue;
    assertWellFormed(text, validateSource({ path: file, text }));
  }
}

/** Valid-looking documents with values replaced at random, to reach deep into the rules. */
const TEMPLATES: unknown[] = [
  { jobDefinitionName: 'd', type: 'container', parameters: { a: 'b' }, platformCapabilities: ['FARGATE'], retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: '1*', action: 'RETRY' }] }, timeout: { attemptDurationSeconds: 60 }, tags: { a: 'b' }, containerProperties: { image: 'x', command: ['Ref::a'], environment: [{ name: 'A', value: 'b' }], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '2048' }], vcpus: 1, memory: 4 } },
  { jobDefinitionName: 'm', type: 'multinode', nodeProperties: { numNodes: 3, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:', container: { image: 'x', command: ['Ref::z'] } }, { targetNodes: '1:2', ecsProperties: { taskProperties: [{ containers: [{ image: 'x' }] }] } }] } },
  { jobQueueName: 'q', priority: 1, jobQueueType: 'SAGEMAKER_TRAINING', computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'c' }], jobStateTimeLimitActions: [{ reason: 'r', state: 'RUNNABLE', maxTimeSeconds: 600, action: 'CANCEL' }] },
  { computeEnvironmentName: 'c', type: 'MANAGED', unmanagedvCpus: 1, computeResources: { type: 'SPOT', minvCpus: 0, maxvCpus: 4, desiredvCpus: 2, subnets: ['s'], allocationStrategy: 'BEST_FIT', bidPercentage: 50 } },
  { jobs: { a: { jobDefinition: 'd', arrayProperties: { size: 2 }, dependsOn: [{ job: 'b' }], shareIdentifier: 'x', schedulingPriorityOverride: 1, containerOverrides: { command: ['x'], environment: [{ name: 'A' }], resourceRequirements: [{ type: 'GPU', value: '1' }] }, nodeOverrides: { numNodes: 2, nodePropertyOverrides: [{ targetNodes: '0:', containerOverrides: {} }] } } } },
  { images: [{ name: 'a', context: '.' }, { name: 'a', context: '.' }], capacity: { vcpus: 1, memoryMiB: 4 } },
];

function paths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function replaced(template: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(template) as Record<string | number, unknown>;
  let node = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

/** The file names each template is validated under (its own kind, both formats). */
const TEMPLATE_FILES = [0, 0, 2, 4, 6, 8].map((i) => (i === 8 ? ['localbatch.yaml'] : [FILES[i], FILES[i + 1]]));

const mutated = fc
  .tuple(fc.nat({ max: TEMPLATES.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }))
  .map(([t, edits]) => ({
    files: TEMPLATE_FILES[t],
    doc: edits.reduce<unknown>((doc, [p, v]) => {
      const all = paths(doc);
      return replaced(doc, all[p % all.length], v);
    }, TEMPLATES[t]),
  }));

describe('single-file rules: robustness (unit)', () => {
  // Property runs share two cores with the rest of the suite: generous timeouts, modest run counts.
  it('never throws on arbitrary JSON values, in every kind and both formats', function () {
    this.timeout(60_000);
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => validateBoth(v)), { numRuns: 80 });
  });

  it('never throws on valid-looking documents with random values in random places', function () {
    this.timeout(60_000);
    fc.assert(fc.property(mutated, ({ doc, files }) => validateBoth(doc, files)), { numRuns: 150 });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom(...FILES), (text, file) => {
        assertWellFormed(text, validateSource({ path: file, text }));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary in-memory values (null prototypes, odd keys, -0, NaN)', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true, maxDepth: 4 }), (value) => {
        for (const kind of KINDS) {
          const reporter = new Reporter(SourceDocument.fromValue('x', value));
          checkFileRules(kind, value, reporter);
          assert.deepEqual(reporter.diagnostics.filter((d) => d.rule === 'internal'), []);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('survives self-referencing YAML aliases, huge numbers and number-like strings', () => {
    const texts: Array<[string, string]> = [
      ['a.jobdef.yaml', 'jobDefinitionName: a\ntype: container\ncontainerProperties: &c\n  image: x\n  self: *c\n'],
      ['a.jobdef.json', '{"jobDefinitionName": "a", "type": "container", "retryStrategy": {"attempts": 1e400}, "timeout": {"attemptDurationSeconds": -1e308},\n "containerProperties": {"resourceRequirements": [{"type": "VCPU", "value": "NaN"}, {"type": "MEMORY", "value": "Infinity"}, {"type": "GPU", "value": "1e3"}]}}'],
      ['w.workflow.yaml', 'jobs:\n  a:\n    arrayProperties: {size: .nan}\n    retryStrategy: {attempts: .inf}\n    dependsOn: null\n'],
    ];
    for (const [path, text] of texts) assertWellFormed(text, validateSource({ path, text }));
  });
});

describe('single-file rules: catalogue and real-world files (unit)', () => {
  it('every rule id has at least one breaking case and a valid twin', function () {
    if (EXERCISED.size === 0) this.skip(); // run alone, without the case files
    assert.deepEqual(Object.keys(FILE_RULES).filter((id) => !EXERCISED.has(id)), []);
  });

  it('rule ids are kebab-case and described', () => {
    for (const [id, text] of Object.entries(FILE_RULES)) {
      assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(text.length > 10, id);
    }
  });

  it('valid real-world definitions give no errors from these rules', () => {
    const dir = join(__dirname, '../../../fixtures/valid');
    // Missing fixtures fail here (readdirSync throws, or the list is empty) rather than pass unchecked.
    const files = readdirSync(dir);
    assert.ok(files.length >= 5, `expected the valid definitions in ${dir}, found ${files.length}`);
    for (const file of files) {
      const errors = fileRuleDiagnostics(file, readFileSync(join(dir, file), 'utf8')).filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${file}:${d.range.start.line + 1} [${d.rule}] ${d.message}`), []);
    }
  });
});
