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
});
