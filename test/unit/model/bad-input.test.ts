/**
 * Regression inputs that used to crash or stall validation: a YAML file nested 1,000 deep with
 * `- - - ... x` (V8 died), nested complex keys, and files with thousands of unknown keys or names
 * (the did-you-mean checks were quadratic: 20,000 unknown keys took 93 s).
 */
import assert from 'node:assert/strict';
import { estimateNesting, SourceDocument } from '../../../src/model/document';
import { validateSource, validateWorkspace } from '../../../src/model/validation';

/** CPU milliseconds spent in `fn` (not wall time: the machine running the tests may be busy). */
function timed<T>(fn: () => T): [T, number] {
  const start = process.cpuUsage();
  const out = fn();
  const used = process.cpuUsage(start);
  return [out, (used.user + used.system) / 1000];
}

describe('bad input: deep nesting and huge key sets', () => {
  it('refuses `- - - ... x` 1,000 deep (2 KB) with a syntax error instead of overflowing the stack', () => {
    const text = '- '.repeat(1000) + 'x\n';
    assert.ok(text.length <= 2048);
    assert.ok(estimateNesting(text) >= 1000);
    const diags = validateSource({ path: 'deep.workflow.yaml', text });
    assert.equal(diags.length, 1);
    assert.equal(diags[0].rule, 'syntax');
    assert.match(diags[0].message, /nested more than 200 levels/);
  });

  it('counts block indicators at the start of a line as levels, and quotes only where a scalar starts', () => {
    assert.equal(estimateNesting('- - - x'), 4);
    assert.equal(estimateNesting('? ? x'), 3);
    // An apostrophe or a quote inside a plain scalar hides nothing that follows.
    assert.ok(estimateNesting(`a: it's "here\nb: ${'['.repeat(300)}`) >= 300);
    // A comment hides nothing either.
    assert.ok(estimateNesting(`# it's "x\nb: ${'['.repeat(300)}`) >= 300);
    // Brackets inside real strings are not nesting.
    assert.ok(estimateNesting(`a: "${'['.repeat(300)}"\n`) < 10);
    assert.ok(estimateNesting(`{"a": "${'['.repeat(300)}"}`) < 10);
  });

  it('reads nested complex keys (`? ? ? x`) at once as a syntax error', () => {
    const [doc, ms] = timed(() => SourceDocument.parse('k.workflow.yaml', '? '.repeat(40) + 'x', 'yaml'));
    assert.equal(doc.value, undefined);
    assert.match(doc.syntaxErrors[0].message, /key that is a list or mapping/);
    assert.ok(ms < 1000, `${ms} ms`);
  });

  it('validates 20,000 unknown keys in well under two seconds, with at most ~100 findings', () => {
    const def: Record<string, unknown> = { jobDefinitionName: 'x', type: 'container', containerProperties: { image: 'busybox', vcpus: 1, memory: 512 } };
    for (let i = 0; i < 20_000; i++) def[`containerPropertie${i}`] = i;
    const [diags, ms] = timed(() => validateSource({ path: 'many.jobdef.json', text: JSON.stringify(def) }));
    assert.ok(ms < 1500, `took ${ms} ms`);
    const schema = diags.filter((d) => d.rule === 'schema');
    assert.ok(schema.length >= 100 && schema.length <= 102, String(schema.length));
    assert.ok(schema.some((d) => /more schema problems in this file/.test(d.message)));
  });

  it('checks 5,000 unknown dependencies against 5,000 jobs in well under two seconds', () => {
    const jobs: Record<string, unknown> = {};
    for (let i = 0; i < 5_000; i++) jobs[`job${i}`] = { jobDefinition: 'd', dependsOn: [{ job: `nojob${i}` }] };
    const sources = [
      { path: 'd.jobdef.json', text: JSON.stringify({ jobDefinitionName: 'd', type: 'container', containerProperties: { image: 'busybox', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }) },
      { path: 'w.workflow.json', text: JSON.stringify({ jobs }) },
    ];
    const [diags, ms] = timed(() => validateWorkspace(sources));
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.equal(diags.filter((d) => d.rule === 'unknown-dependency').length, 5_000);
  });
});
