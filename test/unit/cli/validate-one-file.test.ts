/**
 * `validate <file>` checks the file against what `run` loads with it (issue 24 item 2), a syntax
 * error in one file makes references to it say the file cannot be read, and syntax errors point at
 * the offending character. Through validatePaths, on real files in a temp folder.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validatePaths } from '../../../src/cli/commands/validate';
import { SourceDocument } from '../../../src/model/document';

const ROOT = path.resolve(__dirname, '../../..');
const line = (d: { file: string; range: { start: { line: number; column: number } }; message: string; rule: string }) =>
  `${d.file}:${d.range.start.line + 1}:${d.range.start.column + 1}: ${d.message} [${d.rule}]`;

describe('validate one file against its workspace (unit)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'lb-validate-one-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('validates one workflow file of the example against the definitions beside it: no "not defined" errors', async () => {
    const r = await validatePaths(['examples/montecarlo.workflow.yaml'], ROOT);
    assert.deepEqual(r.diagnostics.map(line), []);
    assert.deepEqual(r.files, ['examples/montecarlo.workflow.yaml']);
    // …and still finds a real mistake in it.
    const one = await validatePaths(['examples/job-definitions/simulate.jobdef.yaml'], ROOT);
    assert.deepEqual(one.files, ['examples/job-definitions/simulate.jobdef.yaml']);
  });

  it('reports only the named file, with a note counting errors in the files loaded with it', async () => {
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'region: us-east-1\n');
    writeFileSync(path.join(dir, 'a.jobdef.yaml'), 'jobDefinitionName: a\ntype: container\ncontainerProperties: { image: busybox, command: [echo], resourceRequirements: [{ type: VCPU, value: "1" }, { type: MEMORY, value: "128" }] }\n');
    writeFileSync(path.join(dir, 'flow.workflow.yaml'), 'jobs:\n  one: { jobDefinition: a }\n  two: { jobDefinition: nope }\n');
    writeFileSync(path.join(dir, 'other.workflow.yaml'), 'jobs:\n  x: { jobDefinition: missing }\n');
    const r = await validatePaths(['flow.workflow.yaml'], dir);
    assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${d.range.start.line + 1} ${d.rule}`), ['flow.workflow.yaml:3 unknown-job-definition']);
    assert.equal(r.contextErrors, 1);
  });

  it('a job definition file with a syntax error: references to it say it cannot be read, not "not defined"', async () => {
    writeFileSync(path.join(dir, 'a.jobdef.json'), '{\n  "jobDefinitionName": "a",\n  "type": "container",\n  "containerProperties": {\n    "image": "busybox",\n    "command": ["echo", "hi"],\n  }\n}\n');
    mkdirSync(path.join(dir, 'q'));
    writeFileSync(path.join(dir, 'q', 'work.jobqueue.yaml'), 'jobQueueName: work\npriority: 1\ncomputeEnvironmentOrder:\n  - order: 1\n   computeEnvironment: x\n');
    writeFileSync(path.join(dir, 'flow.workflow.yaml'), 'jobs:\n  one: { jobDefinition: a, jobQueue: work }\n');
    const r = await validatePaths([dir], dir);
    const lines = r.diagnostics.map(line);
    assert.ok(lines.includes("flow.workflow.yaml:2:25: Job 'one' uses the job definition 'a', which localbatch cannot read: a.jobdef.json has a syntax error; fix it first [unknown-job-definition]"), lines.join('\n'));
    assert.ok(lines.includes("flow.workflow.yaml:2:38: Job 'one' uses the job queue 'work', which localbatch cannot read: q/work.jobqueue.yaml has a syntax error; fix it first [unknown-job-queue]"), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('not defined')), lines.join('\n'));
  });

  it('a trailing comma is reported at the comma, not at the closing brace', () => {
    const doc = SourceDocument.parse('a.jobdef.json', '{\n  "jobDefinitionName": "a",\n  "containerProperties": {\n    "command": ["echo", "hi"],\n  }\n}\n', 'json');
    assert.deepEqual(doc.syntaxErrors.map(line), ['a.jobdef.json:4:30: JSON syntax error: a trailing comma before "}" is not allowed in JSON; remove the comma [syntax]']);
  });

  it('a misindented YAML key is reported at the key, with the column it should start at', () => {
    const deeper = SourceDocument.parse('b.jobdef.yaml', 'jobDefinitionName: b\ncontainerProperties:\n  image: busybox\n   command: [echo, hi]\n', 'yaml');
    assert.deepEqual(deeper.syntaxErrors.map(line), [
      "b.jobdef.yaml:4:4: YAML syntax error: the key 'command' starts at column 4, which lines up with no mapping above it; start it at column 3 (like 'image' above) [syntax]",
    ]);
    const shallower = SourceDocument.parse('c.jobdef.yaml', 'jobDefinitionName: c\ncontainerProperties:\n  image: busybox\n command: [echo, hi]\n', 'yaml');
    assert.deepEqual(shallower.syntaxErrors.map(line), [
      "c.jobdef.yaml:4:2: YAML syntax error: the key 'command' starts at column 2, which lines up with no mapping above it; start it at column 3 (like 'image' above) or column 1 (like 'containerProperties' above) [syntax]",
    ]);
    const inList = SourceDocument.parse('q.jobqueue.yaml', 'jobQueueName: q\ncomputeEnvironmentOrder:\n  - order: 1\n   computeEnvironment: x\n', 'yaml');
    assert.match(line(inList.syntaxErrors[0]), /^q\.jobqueue\.yaml:4:4: .*'computeEnvironment' starts at column 4.*column 5 \(like 'order' above\)/);
  });
});
