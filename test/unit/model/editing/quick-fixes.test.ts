import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../../src/model/diagnostics';
import { quickFixesFor } from '../../../../src/model/editing/quick-fixes';
import { validateSource } from '../../../../src/model/validation';

const apply = (text: string, d: Diagnostic) => {
  const fix = quickFixesFor(d, text)[0];
  assert.ok(fix, `a fix for ${d.rule}: ${d.message}`);
  const lines = text.split('\n');
  const { start, end } = fix.edits[0].range;
  assert.equal(start.line, end.line);
  lines[start.line] = lines[start.line].slice(0, start.column) + fix.edits[0].newText + lines[start.line].slice(end.column);
  return lines.join('\n');
};

describe('editing: quick fixes (unit)', () => {
  const base = { jobDefinitionName: 'a', type: 'container', containerProperties: { image: 'busybox', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '512' }] } };

  it('renames an unknown property to the suggested one, in JSON and YAML', () => {
    const json = JSON.stringify({ ...base, retryStrategy: { attemps: 2 } }, null, 2);
    const d = validateSource({ path: 'a.jobdef.json', text: json }).find((x) => /Unknown property "attemps"/.test(x.message))!;
    assert.match(apply(json, d), /"attempts": 2/);
    const yaml = 'jobDefinitionName: a\ntype: container\nplatformCapabilitie: [EC2]\ncontainerProperties:\n  image: busybox\n';
    const y = validateSource({ path: 'a.jobdef.yaml', text: yaml }).find((x) => /Unknown property/.test(x.message))!;
    assert.match(apply(yaml, y), /^platformCapabilities: \[EC2\]$/m);
  });

  it('clamps retry attempts and raises a short timeout to 60', () => {
    const json = JSON.stringify({ ...base, retryStrategy: { attempts: 12 }, timeout: { attemptDurationSeconds: 5 } }, null, 2);
    const diags = validateSource({ path: 'a.jobdef.json', text: json });
    const retry = diags.find((x) => x.rule === 'retry-attempts-range')!;
    assert.match(apply(json, retry), /"attempts": 10/);
    const timeout = diags.find((x) => x.rule === 'timeout-minimum')!;
    assert.match(apply(json, timeout), /"attemptDurationSeconds": 60/);
  });

  it('offers nothing for problems without an obvious fix', () => {
    assert.deepEqual(quickFixesFor({ file: 'x', rule: 'name-format', severity: 'error', message: 'bad', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } } }, 'x'), []);
  });
});
