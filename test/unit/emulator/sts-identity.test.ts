import assert from 'node:assert/strict';
import { callerIdentity, partitionOf, uniqueId } from '../../../src/emulator/sts/identity';

describe('STS GetCallerIdentity: who a key is (unit)', () => {
  it('the emulator key is the localbatch user of the account, in the region\'s partition, with a stable IAM-shaped id', () => {
    const a = callerIdentity('LBLKAAAA', { account: '000000000000', region: 'us-east-1' });
    assert.deepEqual(a, { Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/localbatch', UserId: uniqueId('AIDA', 'LBLKAAAA') });
    assert.match(a.UserId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(callerIdentity('LBLKAAAA', { account: '000000000000', region: 'us-east-1' }).UserId, a.UserId);
    assert.notEqual(callerIdentity('LBLKBBBB', { account: '000000000000', region: 'us-east-1' }).UserId, a.UserId);
    assert.equal(callerIdentity('k', { account: '1', region: 'cn-north-1' }).Arn.split(':')[1], 'aws-cn');
    assert.deepEqual(['us-gov-west-1', 'eu-west-1', 'cn-northwest-1'].map(partitionOf), ['aws-us-gov', 'aws', 'aws-cn']);
  });

  it("a job's key is its role assumed in its session, in the role's account (a role path is not in the ARN)", () => {
    const job = { roleArn: 'arn:aws:iam::123456789012:role/team/etl/worker', sessionName: 'localbatch-abc-2' };
    const id = callerIdentity('ASIAJOB', { account: '000000000000', region: 'us-east-1', job });
    assert.equal(id.Account, '123456789012');
    assert.equal(id.Arn, 'arn:aws:sts::123456789012:assumed-role/worker/localbatch-abc-2');
    assert.match(id.UserId, /^AROA[A-Z2-7]{17}:localbatch-abc-2$/);
  });

  it('ids stay the same for a seed and distinct between seeds past the ids kept in memory', () => {
    const first = uniqueId('AIDA', 'seed-0');
    const ids = Array.from({ length: 600 }, (_, i) => uniqueId('AIDA', `seed-${i}`));
    assert.equal(new Set(ids).size, 600);
    assert.equal(uniqueId('AIDA', 'seed-0'), first);
    assert.notEqual(uniqueId('AROA', 'seed-0'), first);
    assert.equal(uniqueId('AROA', 'seed-0').slice(4), first.slice(4));
  });

  it('a job whose role is not a role ARN is answered as the emulator user', () => {
    const id = callerIdentity('ASIAJOB', { account: '000000000000', region: 'us-east-1', job: { roleArn: 'not-an-arn', sessionName: 's' } });
    assert.equal(id.Arn, 'arn:aws:iam::000000000000:user/localbatch');
  });
});
