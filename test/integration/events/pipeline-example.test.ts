/**
 * examples/pipeline run as its README says, offline, on real Docker: `localbatch run pipeline.yaml`
 * loads the template's rules, schedule, topic and buckets; `aws s3 cp` (the host's AWS CLI) of a
 * file into s3://pipeline-raw/incoming/ starts the array job through the rule's InputTransformer;
 * each child reads the object and writes its count to s3://pipeline-results/ with an S3 client
 * inside its container (the file appears in data/results/); a job that fails mails the team through
 * SNS (email outbox); `localbatch events fire` runs the schedule's job now. The example's image is
 * built FROM the AWS CLI image, which cannot be pulled offline: the test points it (imageOverrides)
 * at an image with the same `aws s3 cp` / `aws s3 ls` forms (test/support/aws-mini-cli-image.ts).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readEndpoint } from '../../../src/client/endpoint';
import { credentialsPath } from '../../../src/emulator/edge';
import { dockerForTests } from '../../support/docker';
import { ensureMiniCliImage } from '../../support/aws-mini-cli-image';
import { bundledCli } from '../../support/serve-process';

const EXAMPLE = path.resolve(__dirname, '../../../examples/pipeline');

async function until<T>(what: string, fn: () => T | undefined, out: () => string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${out()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('examples/pipeline (integration, Docker, offline)', function () {
  this.timeout(400_000);
  let dir: string;
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('an upload starts the array job that writes its results to the other bucket; a failure mails; the schedule fires on demand', async function () {
    const docker = await dockerForTests(this);
    const image = await ensureMiniCliImage(docker);
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-pipeline-example-'));
    cpSync(EXAMPLE, dir, { recursive: true });
    // As the example's localbatch.yaml, but the image comes from the override instead of a build FROM aws-cli.
    const settings = readFileSync(path.join(dir, 'localbatch.yaml'), 'utf8').replace(/\nimages:[\s\S]*$/, '\n');
    writeFileSync(path.join(dir, 'localbatch.yaml'), `${settings}imageOverrides:\n  localbatch-example-pipeline:latest: ${image}\n`);
    const stateDir = path.join(dir, '.localbatch');
    const cli = await bundledCli();
    const runner = `require(${JSON.stringify(cli)}).main(process.argv.slice(1)).then((c)=>{process.exitCode=c},(e)=>{console.error(e);process.exitCode=1})`;
    const child = spawn(process.execPath, ['-e', runner, 'run', 'pipeline.yaml'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until('the rules to be live', () => (out.includes('Rules and schedules are live') ? true : undefined), () => out);
      assert.match(out, /rule pipeline-on-upload \(on events\) → job queue pipeline \(count-words\)/);
      assert.match(out, /schedule pipeline-nightly \(cron\(0 3 \* \* \? \*\)\)/);
      const endpoint = await readEndpoint(stateDir);
      // The README's command form: the host's AWS CLI with the state directory's credentials.
      const env = { ...process.env, AWS_SHARED_CREDENTIALS_FILE: credentialsPath(stateDir), AWS_PROFILE: 'localbatch', AWS_DEFAULT_REGION: 'us-east-1' };
      const aws = (...args: string[]) => execFileSync('aws', ['--endpoint-url', endpoint.url, ...args], { cwd: dir, env, encoding: 'utf8' });
      writeFileSync(path.join(dir, 'input.txt'), 'one two three\nfour five\n');
      aws('s3', 'cp', 'input.txt', 's3://pipeline-raw/incoming/input.txt');
      const results = path.join(dir, 'data', 'results', 'incoming');
      const read = (f: string) => (existsSync(path.join(results, f)) ? readFileSync(path.join(results, f), 'utf8').trim() : undefined);
      assert.equal(await until('the line count', () => read('input.txt.0.txt'), () => out), '2');
      assert.equal(await until('the word count', () => read('input.txt.1.txt'), () => out), '5');
      assert.equal(readFileSync(path.join(dir, 'data', 'raw', 'incoming', 'input.txt'), 'utf8'), 'one two three\nfour five\n');

      aws('batch', 'submit-job', '--job-name', 'count-words', '--job-queue', 'pipeline', '--job-definition', 'count-words', '--parameters', 'key=incoming/missing.txt');
      const outbox = path.join(stateDir, 'sns', 'outbox');
      const mail = await until('the failure mail', () => {
        const files = existsSync(outbox) ? readdirSync(outbox) : [];
        return files.length > 0 ? readFileSync(path.join(outbox, files[0]), 'utf8') : undefined;
      }, () => out);
      assert.match(mail, /^To: team@example.com$/m);
      assert.match(mail, /Job count-words failed/);

      execFileSync(process.execPath, ['-e', runner, 'events', 'fire', 'pipeline-nightly', '--state-dir', stateDir], { cwd: dir, encoding: 'utf8' });
      await until('the nightly job', () => (/list-results SUCCEEDED/.test(out) ? true : undefined), () => out);
    } finally {
      child.kill('SIGINT');
      await exit;
    }
    assert.equal(await exit, 0, out);
  });
});
