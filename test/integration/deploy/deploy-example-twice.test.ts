/**
 * Deploy is idempotent for the example (issue 24 item 5): against a real moto_server, which answers
 * evaluateOnExit's `action` in lower case (as AWS may: the values are case-insensitive), a second
 * deploy of the unchanged example job definitions registers nothing. Also the local "unchanged
 * definition" reuse compares such a revision as unchanged.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { DescribeJobDefinitionsCommand, type BatchClient } from '@aws-sdk/client-batch';
import { sameJobDefinition } from '../../../src/model/definition-normalize';
import { SourceDocument } from '../../../src/model/document';
import { readFileSync } from 'node:fs';
import { startMoto, type Moto } from '../../support/moto';
import { cli, ROOT } from './moto-workspace';

describe('deploying the example twice against moto_server (integration)', function () {
  this.timeout(180_000);
  let moto: Moto;
  let batch: BatchClient;
  let args: string[];

  before(async function () {
    this.timeout(60_000);
    moto = await startMoto(this);
    batch = moto.batch();
    args = ['deploy', 'examples/job-definitions', '--region', moto.region, '--endpoint-url', moto.url, '--yes'];
  });
  after(async () => {
    batch?.destroy();
    await moto?.stop();
  });

  const revisions = async (name: string) => ((await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name }))).jobDefinitions ?? []).map((d) => d.revision).sort();

  it('the second deploy registers no new revision, evaluateOnExit included', async () => {
    const first = cli(ROOT, args);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /registered job definition montecarlo-simulate revision 1/);
    const registered = (await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: 'montecarlo-simulate' }))).jobDefinitions![0];
    // The premise: the service answers the action in another case than the file.
    assert.deepEqual(registered.retryStrategy?.evaluateOnExit?.map((e) => e.action), ['retry', 'exit']);

    const second = cli(ROOT, args);
    assert.equal(second.status, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /= job definition montecarlo-simulate: no change \(revision 1\)/);
    assert.match(second.stdout, /No changes: AWS already matches the definitions/);
    assert.deepEqual(await revisions('montecarlo-simulate'), [1]);

    // The local runs' reuse compares the same way.
    const file = path.join(ROOT, 'examples/job-definitions/simulate.jobdef.yaml');
    assert.ok(sameJobDefinition(registered, SourceDocument.parse(file, readFileSync(file, 'utf8'), 'yaml').value));
  });
});
