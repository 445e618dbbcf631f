import assert from 'node:assert/strict';
import { parseIni, profileNames } from '../../../src/client/ini';
import { parseEndpoint, EndpointNotFoundError } from '../../../src/client/endpoint';

describe('shared config files (unit)', () => {
  it('reads sections, comments and nested settings', () => {
    const ini = parseIni('# top\n[default]\nregion = eu-west-1 ; inline\ns3 =\n  max_concurrent_requests = 2\n[profile dev]\nsso_session=corp\n');
    assert.equal(ini.get('default')?.get('region'), 'eu-west-1');
    assert.equal(ini.get('default')?.get('s3'), 'max_concurrent_requests = 2');
    assert.equal(ini.get('profile dev')?.get('sso_session'), 'corp');
  });

  it('lists profiles from config and credentials, default first, without sso-session sections', () => {
    const config = '[profile zeta]\n[default]\n[sso-session corp]\nsso_start_url=x\n[profile alpha]\n';
    const creds = '[default]\naws_access_key_id=a\n[ci]\naws_access_key_id=b\n';
    assert.deepEqual(profileNames(config, creds), ['default', 'alpha', 'ci', 'zeta']);
  });

  it('reads an emulator endpoint and its localbatch credentials', () => {
    const ep = parseEndpoint('{"url":"http://127.0.0.1:8747/","pid":42,"version":"0.1.0"}', '[localbatch]\naws_access_key_id = AK\naws_secret_access_key = SK\n');
    assert.deepEqual(ep, { url: 'http://127.0.0.1:8747', pid: 42, version: '0.1.0', region: 'us-east-1', credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });
    assert.throws(() => parseEndpoint('{"url":"http://x"}', '[other]\naws_access_key_id=a\n'), EndpointNotFoundError);
    assert.throws(() => parseEndpoint('nope', ''), EndpointNotFoundError);
  });
});
