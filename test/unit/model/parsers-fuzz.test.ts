/**
 * Fuzzing (fast-check, bounded runs) of what reads user input: the definition parser, the depth
 * estimate that guards it, single-file and workspace validation, and job-id parsing. None may throw,
 * hang or take long, whatever the input.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { estimateNesting, SourceDocument } from '../../../src/model/document';
import { validateSource, validateWorkspace } from '../../../src/model/validation';
import { parseChildId } from '../../../src/emulator/batch/core/job-ids';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const FILES = ['x.jobdef.yaml', 'x.jobdef.json', 'x.jobqueue.yaml', 'x.computeenv.json', 'x.workflow.yaml', 'localbatch.yaml'];

/** YAML/JSON-ish text: structure characters are common, so nesting and quoting get exercised. */
const yamlish = fc
  .array(fc.oneof(fc.constantFrom('- ', '-', ' ', '  ', '\n', ':', ': ', '[', ']', '{', '}', ',', '"', "'", '#', '?', '? ', '&a ', '*a', '<<: ', '!!str ', 'jobs', 'jobDefinition', 'x', '1', '\t'), fc.string({ maxLength: 4 })), { maxLength: 200 })
  .map((parts) => parts.join(''));

const jsonValue = fc.jsonValue({ maxDepth: 6 });

describe('parsers and validators under fuzzing', function () {
  this.timeout(60_000);

  it('SourceDocument.parse never throws and always gives a value or a syntax error', () => {
    fc.assert(
      fc.property(yamlish, fc.constantFrom<'yaml' | 'json'>('yaml', 'json'), (text, format) => {
        const doc = SourceDocument.parse('f', text, format);
        // YAML too: a document without a value has a syntax error, unless it is blank.
        assert.ok(doc.value !== undefined || doc.syntaxErrors.length > 0 || text.trim() === '', `${format} ${JSON.stringify(text)}: no value and no syntax error`);
        // Positions of every path resolve without throwing.
        doc.rangeOf(['jobs', 'a', 0]);
      }),
      { numRuns: RUNS },
    );
  });

  it('the nesting estimate is an upper bound of the parsed depth for YAML block sequences and flow collections', () => {
    const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0);
    // Every generated text is valid YAML (block sequences, flow sequences and mappings, block around
    // flow), so the bound is checked on every case rather than only on those that happen to parse.
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.constantFrom('- ', '[', '{a: ', '- ['), fc.constantFrom('x', '"x"', "'x'", 'it\'s "x'), (n, unit, leaf) => {
        const half = Math.floor(n / 2);
        const text = unit === '[' ? '['.repeat(n) + leaf + ']'.repeat(n)
          : unit === '{a: ' ? '{a: '.repeat(n) + leaf + '}'.repeat(n)
          : unit === '- [' ? '- '.repeat(n - half) + '['.repeat(half) + leaf + ']'.repeat(half)
          : unit.repeat(n) + leaf;
        const doc = SourceDocument.parse('f.yaml', text, 'yaml');
        assert.notEqual(doc.value, undefined, `${text}: ${doc.syntaxErrors.map((e) => e.message).join('; ')}`);
        assert.ok(estimateNesting(text) >= depthOf(doc.value), `${text}: estimate ${estimateNesting(text)} < depth ${depthOf(doc.value)}`);
        checked++;
      }),
      { numRuns: RUNS },
    );
    assert.equal(checked, RUNS, 'the bound was checked on every case');
  });

  it('single-file validation of any text or JSON value gives diagnostics, never an exception', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.oneof(yamlish, jsonValue.map((v) => JSON.stringify(v))), (path, text) => {
        const diags = validateSource({ path, text });
        assert.ok(Array.isArray(diags));
      }),
      { numRuns: RUNS },
    );
  });

  it('workspace validation of random objects in every kind of file never throws', () => {
    const field = fc.constantFrom('jobs', 'jobDefinition', 'jobQueue', 'dependsOn', 'arrayProperties', 'computeEnvironmentOrder', 'jobDefinitionName', 'jobQueueName', 'computeEnvironmentName', 'type', 'containerProperties', 'retryStrategy', 'timeout', 'job', 'size');
    const obj = fc.dictionary(field, fc.oneof(jsonValue, fc.dictionary(fc.string({ maxLength: 5 }), jsonValue, { maxKeys: 4 })), { maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...FILES), obj), { maxLength: 5 }), (files) => {
        const sources = files.map(([p, v], i) => ({ path: `${i}/${p}`, text: JSON.stringify(v) }));
        assert.ok(Array.isArray(validateWorkspace(sources)));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('parseChildId accepts exactly <id>:<non-negative integer without sign, spaces or leading zeros>', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 6 }), (id, index) => {
        const parsed = parseChildId(`${id}:${index}`);
        const strict = /^(0|[1-9][0-9]{0,4})$/.test(index);
        if (strict) assert.deepEqual(parsed, { parentId: id, index: Number(index) });
        else if (parsed) assert.equal(`${parsed.parentId}:${parsed.index}`, `${id}:${index}`); // the colon was inside id
      }),
      { numRuns: RUNS },
    );
  });
});
