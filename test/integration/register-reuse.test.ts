/**
 * Local runs register job definitions through registerDefinitions (CLI `run` and the extension):
 * against the emulator's real API (`localbatch serve`, scripted runtime), an unchanged definition
 * reuses its latest ACTIVE revision; a changed one adds a revision.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobDefinitionsCommand, type RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import { readEndpoint } from '../../src/client/endpoint';
import { RefusedDefinitionError, registerDefinitions } from '../../src/client/register';
import { SourceDocument } from '../../src/model/document';

const ROOT = path.resolve(__dirname, '..', '..');

/** A job definition as a file holds it (parsed like the extension and the CLI parse it). */
const FILE = `jobDefinitionName: reuse-me
type: container
parameters: { greeting: hi, target: world }
retryStrategy: { attempts: 2 }
timeout: { attemptDurationSeconds: 120 }
tags: { team: data }
containerProperties:
  image: busybox
  command: [echo, Ref::greeting, Ref::target]
  environment:
    - { name: B, value: "2" }
    - { name: A, value: "1" }
  resourceRequirements:
    - { type: MEMORY, value: "128" }
    - { type: VCPU, value: "1" }
`;
const request = (text: string) => SourceDocument.parse('reuse-me.jobdef.yaml', text, 'yaml').value as RegisterJobDefinitionRequest;

describe('local runs reuse an identical registered job definition revision (integration)', function () {
  this.timeout(120_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let batch: BatchClient;

  before(async function () {
    if (!existsSync(path.join(ROOT, 'dist/cli.js'))) throw new Error('run `npm run build` first: this test starts bin/localbatch.js');
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-reuse-'));
    const state = path.join(dir, 'state');
    child = spawn(process.execPath, [path.join(ROOT, 'bin/localbatch.js'), 'serve', '--runtime', 'scripted', '--port', '0', '--state-dir', state], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (!existsSync(path.join(state, 'endpoint.json')) || !existsSync(path.join(state, 'credentials'))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('localbatch serve did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const endpoint = await readEndpoint(state);
    batch = new BatchClient({ endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 });
  });

  after(async () => {
    batch?.destroy();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const register = (text: string) => registerDefinitions(batch, { computeEnvironments: [], jobQueues: [], jobDefinitions: [request(text)] });
  const revisions = async () => ((await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: 'reuse-me' }))).jobDefinitions ?? []).map((d) => d.revision).sort();

  it('registers revision 1, then reuses it while the file is unchanged (also reordered), then adds revision 2 for a change', async () => {
    const first = await register(FILE);
    assert.match(first.jobDefinitionArns.get('reuse-me') ?? '', /:job-definition\/reuse-me:1$/);
    assert.deepEqual(first.actions, ['registered job definition reuse-me:1']);

    const again = await register(FILE);
    assert.equal(again.jobDefinitionArns.get('reuse-me'), first.jobDefinitionArns.get('reuse-me'));
    assert.deepEqual(again.actions, ['reused job definition reuse-me:1 (unchanged)']);
    // Order of environment variables and resource requirements does not matter to AWS Batch.
    const reordered = FILE.replace('    - { name: B, value: "2" }\n    - { name: A, value: "1" }\n', '    - { name: A, value: "1" }\n    - { name: B, value: "2" }\n');
    assert.deepEqual((await register(reordered)).actions, ['reused job definition reuse-me:1 (unchanged)']);
    assert.deepEqual(await revisions(), [1]);

    const changed = await register(FILE.replace('attempts: 2', 'attempts: 3'));
    assert.match(changed.jobDefinitionArns.get('reuse-me') ?? '', /:job-definition\/reuse-me:2$/);
    assert.deepEqual(changed.actions, ['registered job definition reuse-me:2']);
    assert.deepEqual((await register(FILE.replace('attempts: 2', 'attempts: 3'))).actions, ['reused job definition reuse-me:2 (unchanged)']);
    assert.deepEqual(await revisions(), [1, 2]);
  });

  it('a definition the API refuses is told as that definition\'s error (for the CLI: one line, no stack)', async () => {
    const noImage = FILE.replace('reuse-me', 'no-image').replace('  image: busybox\n', '');
    await assert.rejects(register(noImage), (err: unknown) => {
      assert.ok(err instanceof RefusedDefinitionError, String(err));
      assert.equal((err as RefusedDefinitionError).userFacing, true);
      assert.match((err as Error).message, /^AWS Batch refused job definition 'no-image': containerProperties\.image is required$/);
      return true;
    });
  });
});
