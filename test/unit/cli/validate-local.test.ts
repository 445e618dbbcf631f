/** `validate` reads the workspace root and the keys of `.localbatch/secrets.yaml` for the local-run rules. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validatePaths } from '../../../src/cli/commands/validate';

describe('validate: local-run warnings (unit)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lb-validate-'));
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'region: us-east-1\n');
    writeFileSync(
      path.join(dir, 'app.jobdef.yaml'),
      [
        'jobDefinitionName: app',
        'type: container',
        'containerProperties:',
        '  image: busybox',
        '  resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "512"}]',
        '  secrets: [{name: A, valueFrom: /app/a}, {name: B, valueFrom: /app/b}]',
        `  volumes: [{name: in, host: {sourcePath: ${path.join(dir, 'data')}}}, {name: out, host: {sourcePath: /srv/elsewhere}}]`,
      ].join('\n'),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('warns about secrets missing from the secrets file and host paths outside the workspace root', async () => {
    mkdirSync(path.join(dir, '.localbatch'));
    writeFileSync(path.join(dir, '.localbatch', 'secrets.yaml'), '/app/a: x\n');
    const { diagnostics } = await validatePaths([dir], dir);
    const found = diagnostics.map((d) => `${d.rule}:${d.message.includes('/app/b') || d.message.includes('/srv/elsewhere')}`).sort();
    assert.deepEqual(found, ['host-path-outside-workspace:true', 'secret-without-local-value:true']);
  });

  it('checks each workspace of a folder holding several (a localbatch.yaml each) on its own', async () => {
    const jobdef = (name: string, hostPath?: string) => [
      `jobDefinitionName: ${name}`, 'type: container', 'containerProperties:', '  image: busybox',
      '  resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "512"}]',
      ...(hostPath ? [`  volumes: [{name: in, host: {sourcePath: ${hostPath}}}]`] : []),
    ].join('\n');
    for (const w of ['a', 'b']) {
      mkdirSync(path.join(dir, w));
      writeFileSync(path.join(dir, w, 'localbatch.yaml'), 'region: us-east-1\n');
      // The same name in both workspaces, each mounting a folder of workspace a.
      writeFileSync(path.join(dir, w, 'worker.jobdef.yaml'), jobdef('worker', path.join(dir, 'a', 'data')));
    }
    writeFileSync(path.join(dir, 'b', 'only-in-b.jobdef.yaml'), jobdef('only-in-b'));
    writeFileSync(path.join(dir, 'a', 'flow.workflow.yaml'), 'jobs:\n  one:\n    jobDefinition: worker\n  two:\n    jobDefinition: only-in-b\n');
    const { diagnostics } = await validatePaths([dir], dir);
    const found = diagnostics.filter((d) => d.file.startsWith('a/') || d.file.startsWith('b/')).map((d) => `${d.file} ${d.rule}`);
    assert.deepEqual(found, [
      'a/flow.workflow.yaml unknown-job-definition', // b's definition is not a's
      'b/worker.jobdef.yaml host-path-outside-workspace', // a's folder is outside b's root, inside a's
    ]);
    assert.match(diagnostics.find((d) => d.file === 'a/flow.workflow.yaml')!.message,
      /^Job 'two' uses the job definition 'only-in-b', which is not defined in the workspace; b\/only-in-b\.jobdef\.yaml defines it, in another workspace \(a folder with a localbatch\.yaml of its own/);
  });

  it('counts as errors loaded with a named file only those of its own workspace, not of one nested in its folder', async () => {
    mkdirSync(path.join(dir, 'svc'));
    writeFileSync(path.join(dir, 'svc', 'localbatch.yaml'), 'region: us-east-1\n');
    writeFileSync(path.join(dir, 'svc', 'broken.workflow.yaml'), 'jobs:\n  one:\n    jobDefinition: nowhere\n');
    assert.equal((await validatePaths([path.join(dir, 'app.jobdef.yaml')], dir)).contextErrors, 0);
    writeFileSync(path.join(dir, 'broken.workflow.yaml'), 'jobs:\n  one:\n    jobDefinition: nowhere\n');
    assert.equal((await validatePaths([path.join(dir, 'app.jobdef.yaml')], dir)).contextErrors, 1);
  });
});
