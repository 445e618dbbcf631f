/** The region deploy and submit use: --region, AWS_REGION, AWS_DEFAULT_REGION (the AWS CLI's, which the JavaScript SDK ignores), then the profile's. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsConfigError, openAwsTarget } from '../../../src/deploy/aws';

describe('deploy: which AWS region (unit)', () => {
  const KEYS = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'];
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-region-'));
    writeFileSync(join(dir, 'config'), '[profile dev]\nregion = eu-west-1\n');
    for (const k of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[k];
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  });
  afterEach(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const regionOf = async (o: Parameters<typeof openAwsTarget>[0]) => {
    const t = await openAwsTarget(o);
    t.destroy();
    return t.region;
  };

  it('takes --region, then AWS_REGION, then AWS_DEFAULT_REGION, then the profile', async () => {
    assert.equal(await regionOf({ profile: 'dev' }), 'eu-west-1');
    process.env.AWS_DEFAULT_REGION = 'us-west-2';
    assert.equal(await regionOf({ profile: 'dev' }), 'us-west-2');
    process.env.AWS_REGION = 'ap-south-1';
    assert.equal(await regionOf({ profile: 'dev' }), 'ap-south-1');
    assert.equal(await regionOf({ profile: 'dev', region: 'ca-central-1' }), 'ca-central-1');
  });

  it('says how to give one when there is none', async () => {
    await assert.rejects(openAwsTarget({}), (e: unknown) => e instanceof AwsConfigError && /AWS_DEFAULT_REGION/.test(e.message));
  });
});
