/** The pure parts of CDK assets made by commands (executable sources) or by `docker buildx build` (BuildKit options), and runCommand on a real shell. */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { buildKitOptions, buildxArgs, commandLine, dockerCli, printedImageName, runCommand } from '../../../../src/emulator/runtime/cdk-asset-commands';
import { readAssetManifest } from '../../../../src/model/iac/cdk-assets';

describe('CDK asset commands (unit)', () => {
  it('takes the last non-empty printed line as the image name, as the CDK does', () => {
    assert.equal(printedImageName('Loaded image: a:1\nmy-image:2\n\n'), 'my-image:2');
    assert.equal(printedImageName('  sha256:abc  \r\n'), 'sha256:abc');
    assert.equal(printedImageName('\n \n'), undefined);
  });

  it('names the source options that need BuildKit, read from assets.json as the CDK writes them', () => {
    const { images } = readAssetManifest({
      dockerImages: {
        plain: { source: { directory: 'asset.plain', dockerBuildArgs: { A: '1' } } },
        secret: { source: { directory: 'asset.secret', dockerBuildSecrets: { token: 'src=token.txt' } } },
        all: { source: { directory: 'asset.all', dockerBuildSecrets: { t: 'src=t' }, dockerBuildSsh: 'default', dockerBuildContexts: { lib: '../lib' } } },
        empty: { source: { directory: 'asset.empty', dockerBuildSecrets: {} } },
      },
    });
    assert.deepEqual(buildKitOptions(images.get('plain')!.source), []);
    assert.deepEqual(buildKitOptions(images.get('secret')!.source), ['dockerBuildSecrets']);
    assert.deepEqual(buildKitOptions(images.get('all')!.source), ['dockerBuildSecrets', 'dockerBuildSsh', 'dockerBuildContexts']);
    assert.deepEqual(buildKitOptions(images.get('empty')!.source), []);
  });

  it('builds the buildx command line with every recorded option, as cdk-assets passes them', () => {
    const args = buildxArgs(
      { directory: 'asset.x', dockerFile: 'Job.Dockerfile', dockerBuildTarget: 'job', dockerBuildArgs: { A: '1', B: 'two words' }, dockerBuildSecrets: { token: 'src=token.txt', env: 'type=env,env=TOKEN' }, dockerBuildSsh: 'default', dockerBuildContexts: { lib: '../lib' }, platform: 'linux/amd64', networkMode: 'host' },
      'localbatch-cdk-asset:h',
      { 'localbatch.cdk-asset': 'h' },
    );
    assert.deepEqual(args, [
      'buildx', 'build', '--load', '--tag', 'localbatch-cdk-asset:h', '--label', 'localbatch.cdk-asset=h',
      '--file', 'Job.Dockerfile', '--target', 'job', '--build-arg', 'A=1', '--build-arg', 'B=two words',
      '--build-context', 'lib=../lib', '--secret', 'id=token,src=token.txt', '--secret', 'id=env,type=env,env=TOKEN',
      '--ssh', 'default', '--platform', 'linux/amd64', '--network', 'host', '.',
    ]);
    assert.deepEqual(buildxArgs({ directory: 'd' }, 'i:1', {}), ['buildx', 'build', '--load', '--tag', 'i:1', '.']);
  });

  it('uses CDK_DOCKER as the docker CLI when set, as the CDK does', () => {
    assert.equal(dockerCli({}), 'docker');
    assert.equal(dockerCli({ CDK_DOCKER: 'finch' }), 'finch');
    assert.equal(dockerCli({ CDK_DOCKER: '' }), 'docker');
  });

  it('shows command lines quoted as a shell would need them', () => {
    assert.equal(commandLine(['sh', '-c', "docker load -i \"$1\" | sed 's/x//'", 'arg']), `sh -c 'docker load -i "$1" | sed '\\''s/x//'\\''' arg`);
  });

  it('runs a program in the given folder, giving its output lines, exit code and the end of its standard error', async () => {
    const lines: string[] = [];
    const r = await runCommand(['sh', '-c', 'pwd; echo warn >&2; echo last; exit 3'], tmpdir(), (l) => lines.push(l));
    assert.equal(r.code, 3);
    assert.equal(r.stdout, `${tmpdir()}\nlast\n`);
    assert.equal(r.stderrTail, 'warn');
    assert.deepEqual(lines.filter((l) => l !== 'warn'), [tmpdir(), 'last']);
    const unended: string[] = [];
    const tail = await runCommand(['sh', '-c', 'printf "one\\ntwo"; printf "err" >&2'], tmpdir(), (l) => unended.push(l));
    assert.deepEqual(unended.sort(), ['err', 'one', 'two'], 'a last line without a newline is still a line');
    assert.equal(printedImageName(tail.stdout), 'two');
    const missing = await runCommand(['no-such-program-for-localbatch'], tmpdir(), () => undefined);
    assert.equal(missing.startError?.code, 'ENOENT');
  });
});
