import assert from 'node:assert/strict';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { EdgeService } from '../../../src/emulator/edge/service';
import { rawFetch, signedFetch, startHarness, type ApiHarness } from '../../support/api-harness';

/** A service that echoes what the edge handed it: proves routing by signing name and by X-Amz-Target. */
function echoService(name: string, signingNames: string[], targetPrefixes?: string[]): EdgeService & { seen: string[] } {
  const seen: string[] = [];
  return {
    name,
    signingNames,
    targetPrefixes,
    seen,
    async handle(req) {
      seen.push(`${req.method} ${req.rawPath} ${req.caller.service} ${req.body.toString('utf8')}`);
      if (req.rawPath === '/fail') throw new Error('boom');
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: `${name} ok` };
    },
  };
}

describe('Edge: one endpoint, many services (integration)', () => {
  let h: ApiHarness;
  const sns = echoService('sns', ['sns']);
  const events = echoService('events', ['events'], ['AWSEvents.']);
  before(async () => (h = await startHarness({ DescribeJobQueues: () => ({ jobQueues: [] }) }, { services: [sns, events] })));
  after(async () => h.close());

  it('routes by the SigV4 signing name, and Batch keeps its own routes', async () => {
    const a = await signedFetch(h.server.url, h.credentials, { method: 'POST', path: '/', body: 'Action=ListTopics', service: 'sns', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(a.status, 200);
    assert.equal(a.body, 'sns ok');
    assert.deepEqual(sns.seen, ['POST / sns Action=ListTopics']);
    const b = await signedFetch(h.server.url, h.credentials, { method: 'POST', path: '/v1/describejobqueues', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(b.status, 200);
    assert.deepEqual(JSON.parse(b.body), { jobQueues: [] });
    assert.equal(events.seen.length, 0);
  });

  it('routes by X-Amz-Target when the signing name belongs to no service, and checks the signature for the service', async () => {
    const ok = await signedFetch(h.server.url, h.credentials, { method: 'POST', path: '/', body: '{}', service: 'events', headers: { 'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1' } });
    assert.equal(ok.body, 'events ok');
    const wrongKey = await signedFetch(h.server.url, { ...h.credentials, secretAccessKey: 'x'.repeat(40) }, { method: 'POST', path: '/', body: '{}', service: 'sns' });
    assert.equal(wrongKey.status, 403);
    const unsigned = await rawFetch(`${h.server.url}/`, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.ListRules' }, body: '{}' });
    assert.equal(unsigned.status, 403);
    assert.equal(events.seen.length, 1);
  });

  it('answers a call to a service it does not serve (STS, which this harness does not serve: query protocol; SSM: JSON) with an error its SDK shows, naming what is served', async () => {
    const config = { endpoint: h.server.url, region: 'us-east-1', credentials: h.credentials, maxAttempts: 1 };
    const sts = new STSClient(config);
    const ssm = new SSMClient(config);
    try {
      await assert.rejects(sts.send(new GetCallerIdentityCommand({})), (e: Error) => e.name === 'InvalidAction' && /localbatch does not serve sts \(it serves batch, events, logs, sns\).*AWS_ENDPOINT_URL_STS=/.test(e.message));
      await assert.rejects(ssm.send(new GetParameterCommand({ Name: 'x' })), (e: Error) => e.name === 'UnknownOperationException' && /localbatch does not serve ssm .*AWS_ENDPOINT_URL_SSM=/.test(e.message));
    } finally {
      sts.destroy();
      ssm.destroy();
    }
    assert.deepEqual([...sns.seen, ...events.seen].filter((l) => /GetCallerIdentity|GetParameter/.test(l)), []);
  });

  it('turns a service bug into a 500 without leaking it, and logs it', async () => {
    const res = await signedFetch(h.server.url, h.credentials, { method: 'POST', path: '/fail', body: '', service: 'sns' });
    assert.equal(res.status, 500);
    assert.doesNotMatch(res.body, /boom/);
    assert.ok(h.logLines.some((l) => l.includes('sns POST /fail') && l.includes('boom')));
  });
});
