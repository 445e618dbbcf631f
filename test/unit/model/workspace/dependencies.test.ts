import assert from 'node:assert/strict';
import { expectOne, validate, withRule, workflow } from './helpers';

const W = 'w.workflow.yaml';

describe('workspace rules: dependencies (unit)', () => {
  it('reports a dependency on a job that is not in the workflow', () => {
    const d = expectOne(validate({ [W]: workflow(['  prep: {jobDefinition: work}', '  b:', '    jobDefinition: work', '    dependsOn:', '      - job: perp']) }), 'unknown-dependency', W, 6);
    assert.match(d.message, /'perp'.*did you mean 'prep'/);
  });

  it('does not resolve dependencies across workflows', () => {
    const diags = validate({ 'a.workflow.yaml': workflow(['  x: {jobDefinition: work}']), [W]: workflow(['  b:', '    jobDefinition: work', '    dependsOn: [{job: x}]']) });
    expectOne(diags, 'unknown-dependency', W, 4);
  });

  it('reports a self-dependency', () => {
    expectOne(validate({ [W]: workflow(['  b:', '    jobDefinition: work', '    dependsOn:', '      - job: b']) }), 'self-dependency', W, 5);
  });

  it('reports an empty dependency entry', () => {
    expectOne(validate({ [W]: workflow(['  b:', '    jobDefinition: work', '    dependsOn:', '      - {}']) }), 'dependency-empty', W, 5);
  });

  it('reports a cycle once, showing it', () => {
    const diags = validate({
      [W]: workflow([
        '  a:',
        '    jobDefinition: work',
        '    dependsOn: [{job: c}]',
        '  b:',
        '    jobDefinition: work',
        '    dependsOn: [{job: a}]',
        '  c:',
        '    jobDefinition: work',
        '    dependsOn: [{job: b}]',
        '  d:',
        '    jobDefinition: work',
        '    dependsOn: [{job: c}]',
      ]),
    });
    const d = expectOne(diags, 'dependency-cycle', W, 4);
    assert.match(d.message, /a -> c -> b -> a/);
  });

  it('reports each separate cycle, and a two-job cycle', () => {
    const diags = validate({
      [W]: workflow(['  a: {jobDefinition: work, dependsOn: [{job: b}]}', '  b: {jobDefinition: work, dependsOn: [{job: a}]}', '  c: {jobDefinition: work, dependsOn: [{job: d}]}', '  d: {jobDefinition: work, dependsOn: [{job: c}]}']),
    });
    const cycles = withRule(diags, 'dependency-cycle');
    assert.deepEqual(cycles.map((c) => [c.range.start.line + 1, c.message.split(';')[0]]), [
      [2, 'Dependency cycle: a -> b -> a'],
      [4, 'Dependency cycle: c -> d -> c'],
    ]);
  });

  it('finds cycles in a long chain without recursion problems', () => {
    const jobs: Record<string, unknown> = { j0: { jobDefinition: 'work', dependsOn: [{ job: 'j2999' }] } };
    for (let i = 1; i < 3000; i++) jobs[`j${i}`] = { jobDefinition: 'work', dependsOn: [{ job: `j${i - 1}` }] };
    const d = expectOne(validate({ [W]: null, 'w.workflow.json': JSON.stringify({ jobs }, null, 1) }), 'dependency-cycle', 'w.workflow.json', 7);
    assert.match(d.message, /^Dependency cycle: j0 -> j2999 -> j2998 -> j2997 -> j2996 -> j2995 -> \.\.\. -> j3 -> j2 -> j1 -> j0 \(3000 jobs\);/);
  });

  it('reports N_TO_N between arrays of different sizes', () => {
    const diags = validate({
      [W]: workflow(['  a: {jobDefinition: work, arrayProperties: {size: 4}}', '  b:', '    jobDefinition: work', '    arrayProperties: {size: 5}', '    dependsOn:', '      - job: a', '        type: N_TO_N']),
    });
    const d = expectOne(diags, 'n-to-n-size-mismatch', W, 8);
    assert.match(d.message, /size 5.*'a' \(array size 4\)/);
  });

  it('reports N_TO_N with a non-array job on either side', () => {
    const diags = validate({
      [W]: workflow(['  a: {jobDefinition: work}', '  b:', '    jobDefinition: work', '    arrayProperties: {size: 5}', '    dependsOn:', '      - {job: a, type: N_TO_N}']),
    });
    assert.match(expectOne(diags, 'n-to-n-not-array', W, 7).message, /'a' is not an array job/);
    const other = validate({ [W]: workflow(['  a: {jobDefinition: work, arrayProperties: {size: 3}}', '  b:', '    jobDefinition: work', '    dependsOn: [{job: a, type: N_TO_N}]']) });
    assert.match(expectOne(other, 'n-to-n-not-array', W, 5).message, /'b' is not an array job/);
  });

  it('reports SEQUENTIAL with a job, and SEQUENTIAL on a non-array job', () => {
    const diags = validate({
      [W]: workflow(['  a: {jobDefinition: work, arrayProperties: {size: 3}}', '  b:', '    jobDefinition: work', '    arrayProperties: {size: 3}', '    dependsOn:', '      - {job: a, type: SEQUENTIAL}']),
    });
    expectOne(diags, 'sequential-with-job', W, 7);
    const plain = validate({ [W]: workflow(['  a:', '    jobDefinition: work', '    dependsOn:', '      - type: SEQUENTIAL']) });
    expectOne(plain, 'sequential-not-array', W, 5);
  });

  it('accepts SEQUENTIAL on an array job and a plain dependency on an array', () => {
    const diags = validate({
      [W]: workflow(['  a:', '    jobDefinition: work', '    arrayProperties: {size: 3}', '    dependsOn: [{type: SEQUENTIAL}]', '  b:', '    jobDefinition: work', '    dependsOn: [{job: a}]']),
    });
    assert.deepEqual(diags.filter((d) => d.file === W), []);
  });
});
