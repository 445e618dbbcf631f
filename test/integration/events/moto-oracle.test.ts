/**
 * moto_server's EventBridge (written by others) as an independent oracle for pattern matching:
 * for each documented pattern a rule on moto delivers to its own CloudWatch Logs group; every event
 * is put once through PutEvents; which events reached which group must equal what localbatch's
 * matcher says. moto's TestEventPattern is a stub (it answers nothing), so PutEvents is the oracle.
 *
 * Left out, because moto does not implement them as AWS documents: pattern validation (moto accepts
 * `{"numeric": ["=", 5, "<", 3]}`, consecutive wildcards, unknown operators), `anything-but` with
 * `prefix`/`suffix` on non-string values (moto matches a number, AWS matches strings only), and
 * `exists` on intermediate objects (moto flattens and loses the distinction).
 */
import assert from 'node:assert/strict';
import { CloudWatchLogsClient, CreateLogGroupCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { matches, parsePattern } from '../../../src/emulator/events/core/pattern';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../../support/moto';

const details: Array<Record<string, unknown>> = [
  { eid: 'e0', status: 'FAILED', jobName: 'Nightly-Report', attempts: 3, file: 'data/in/report.csv', ip: '10.0.0.7', tags: ['prod', 'x'] },
  { eid: 'e1', status: 'SUCCEEDED', jobName: 'nightly-other', attempts: 1, file: 'data/out/r.json', ip: '10.0.1.9', tags: ['dev'] },
  { eid: 'e2', status: 'failed', jobName: 'Adhoc', attempts: 0.5, file: 'tmp/x.csv', ip: '192.168.1.1', nested: { flag: true } },
  { eid: 'e3', status: 'RUNNABLE', jobName: 'Nightly', file: 'data/in/a*b.txt', ip: '2001:db8::5' },
];

const patterns: object[] = [
  { detail: { status: ['FAILED'] } },
  { detail: { status: ['FAILED', 'SUCCEEDED'] } },
  { detail: { tags: ['prod'] } },
  { detail: { attempts: [3] } },
  { detail: { file: [{ prefix: 'data/in/' }] } },
  { detail: { jobName: [{ prefix: { 'equals-ignore-case': 'NIGHTLY' } }] } },
  { detail: { file: [{ suffix: '.csv' }] } },
  { detail: { file: [{ suffix: { 'equals-ignore-case': '.CSV' } }] } },
  { detail: { status: [{ 'anything-but': 'FAILED' }] } },
  { detail: { status: [{ 'anything-but': ['FAILED', 'SUCCEEDED'] }] } },
  { detail: { jobName: [{ 'anything-but': { prefix: 'Nightly' } }] } },
  { detail: { file: [{ 'anything-but': { suffix: '.csv' } }] } },
  { detail: { attempts: [{ numeric: ['>', 0, '<=', 1] }] } },
  { detail: { attempts: [{ numeric: ['>=', 3] }] } },
  { detail: { attempts: [{ numeric: ['=', 0.5] }] } },
  { detail: { attempts: [{ exists: true }] } },
  { detail: { attempts: [{ exists: false }] } },
  { detail: { status: [{ 'equals-ignore-case': 'failed' }] } },
  { detail: { file: [{ wildcard: 'data/*/*.csv' }] } },
  { detail: { file: [{ wildcard: 'data/in/a\\*b.txt' }] } },
  { detail: { ip: [{ cidr: '10.0.0.0/24' }] } },
  { detail: { ip: [{ cidr: '10.0.0.0/16' }] } },
  { detail: { ip: [{ cidr: '2001:db8::/32' }] } },
  { detail: { $or: [{ status: ['RUNNABLE'] }, { attempts: [{ numeric: ['<', 1] }] }] } },
  { detail: { nested: { flag: [true] } } },
  { source: ['oracle.app'], detail: { status: ['FAILED'], file: [{ prefix: 'data/' }] } },
];

describe('Event patterns against moto_server EventBridge as an oracle (integration)', function () {
  this.timeout(240_000);
  let moto: Moto;
  before(async function () {
    moto = await startMoto(this);
  });
  after(async () => moto?.stop());

  it(`localbatch's matcher agrees with moto on ${patterns.length} documented patterns × ${details.length} events`, async () => {
    const common = { endpoint: moto.url, region: moto.region, credentials: MOTO_CREDENTIALS };
    const events = new EventBridgeClient(common);
    const logs = new CloudWatchLogsClient(common);
    try {
      for (const [i, p] of patterns.entries()) {
        const group = `/oracle/p${i}`;
        await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
        await events.send(new PutRuleCommand({ Name: `p${i}`, EventPattern: JSON.stringify(p) }));
        await events.send(new PutTargetsCommand({ Rule: `p${i}`, Targets: [{ Id: 'log', Arn: `arn:aws:logs:${moto.region}:123456789012:log-group:${group}` }] }));
      }
      await events.send(new PutEventsCommand({ Entries: details.map((d) => ({ Source: 'oracle.app', DetailType: 'Oracle', Detail: JSON.stringify(d) })) }));
      const disagreements: string[] = [];
      let matchesSeen = 0;
      for (const [i, p] of patterns.entries()) {
        const got = await logs.send(new FilterLogEventsCommand({ logGroupName: `/oracle/p${i}` }));
        const motoIds = (got.events ?? []).map((e) => (JSON.parse(e.message!) as { detail: { eid: string } }).detail.eid).sort();
        const compiled = parsePattern(JSON.stringify(p));
        const ours = details.filter((d) => matches(compiled, { version: '0', id: 'x', source: 'oracle.app', 'detail-type': 'Oracle', account: '123456789012', time: '2026-01-01T00:00:00Z', region: moto.region, resources: [], detail: d })).map((d) => d.eid as string);
        matchesSeen += ours.length;
        if (JSON.stringify(motoIds) !== JSON.stringify(ours)) disagreements.push(`${JSON.stringify(p)}: moto ${JSON.stringify(motoIds)}, localbatch ${JSON.stringify(ours)}`);
      }
      assert.deepEqual(disagreements, []);
      assert.ok(matchesSeen > patterns.length, 'the set exercises real matches');
    } finally {
      events.destroy();
      logs.destroy();
    }
  });
});
