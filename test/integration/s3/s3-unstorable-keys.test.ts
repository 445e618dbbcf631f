/**
 * Keys S3 accepts but localbatch cannot keep as files ('..' and '.' segments, '//', a leading '/'):
 * PUT refuses them with the local-limit error, but no object can have such a key, so GET, HEAD,
 * DeleteObject and DeleteObjects answer as S3 does for a missing key, as do reads of a key under an
 * object's name (`a/b` when `a` is a file). moto_server (an S3 written by
 * others) is the oracle: the real AWS CLI's answers from both must be the same.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../../support/moto';
import { runProcess, startS3, type S3Harness } from '../../support/s3-harness';

const KEYS = ['a/../b', '..', 'x/./y', 'a//b'];
const BUCKET = 'unstorable-keys';

describe('S3 keys localbatch cannot store: reads and deletes answer as for a missing key, as moto_server does (AWS CLI)', function () {
  this.timeout(240_000);
  let h: S3Harness;
  let moto: Moto;
  before(async function () {
    moto = await startMoto(this);
    h = await startS3();
  });
  after(async () => {
    await h?.close();
    await moto?.stop();
  });

  const localCli = (args: string[]) => h.cli(args);
  const motoCli = (args: string[]) =>
    runProcess('aws', args, {
      ...h.env(),
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    });

  /** What a user sees of one call: exit status, the error line, and the output document. */
  const answer = async (cli: typeof localCli, args: string[]) => {
    const r = await cli(args);
    return { status: r.status, error: /An error occurred .*/.exec(r.stderr)?.[0], output: r.stdout.trim() ? (JSON.parse(r.stdout) as unknown) : undefined };
  };

  it('GET is NoSuchKey, HEAD is 404, DeleteObject is 204 and DeleteObjects lists the key as deleted; PUT is refused with the local limit', async () => {
    for (const cli of [localCli, motoCli]) assert.equal((await cli(['s3api', 'create-bucket', '--bucket', BUCKET])).status, 0);
    const out = join(h.work, 'got.bin');
    const body = join(h.work, 'body.txt');
    writeFileSync(body, 'x');
    for (const key of KEYS) {
      const calls = [
        ['s3api', 'get-object', '--bucket', BUCKET, '--key', key, out],
        ['s3api', 'head-object', '--bucket', BUCKET, '--key', key],
        ['s3api', 'delete-object', '--bucket', BUCKET, '--key', key],
        ['s3api', 'delete-objects', '--bucket', BUCKET, '--delete', JSON.stringify({ Objects: [{ Key: key }] })],
      ];
      const local = [];
      for (const args of calls) {
        local.push(await answer(localCli, args));
        assert.deepEqual(local.at(-1), await answer(motoCli, args), `${args[1]} ${JSON.stringify(key)}`);
      }
      // and what both answer is S3's answer for a missing key
      assert.match(local[0].error ?? '', /\(NoSuchKey\) when calling the GetObject operation: The specified key does not exist\./);
      assert.match(local[1].error ?? '', /\(404\) when calling the HeadObject operation: Not Found/);
      assert.equal(local[2].status, 0);
      assert.deepEqual(local[3].output, { Deleted: [{ Key: key }] });
      const put = await localCli(['s3api', 'put-object', '--bucket', BUCKET, '--key', key, '--body', body]);
      assert.notEqual(put.status, 0, JSON.stringify(key));
      assert.match(put.stderr, /\(InvalidArgument\) when calling the PutObject operation: localbatch stores each object as a file in the bucket's folder, so this key cannot be stored/);
    }
  });

  it('CopyObject from such a key is NoSuchKey; to such a key it is refused with the local limit', async () => {
    const body = join(h.work, 'body.txt');
    writeFileSync(body, 'copy me');
    assert.equal((await localCli(['s3api', 'put-object', '--bucket', BUCKET, '--key', 'ok.txt', '--body', body])).status, 0);
    const from = await localCli(['s3api', 'copy-object', '--bucket', BUCKET, '--key', 'copy.txt', '--copy-source', `${BUCKET}/a/../b`]);
    assert.match(from.stderr, /\(NoSuchKey\) when calling the CopyObject operation/);
    const to = await localCli(['s3api', 'copy-object', '--bucket', BUCKET, '--key', 'a/../b', '--copy-source', `${BUCKET}/ok.txt`]);
    assert.match(to.stderr, /\(InvalidArgument\) when calling the CopyObject operation: localbatch stores each object as a file/);
  });

  it('a key under an object (a/b when a is an object) reads as missing, as moto_server answers', async () => {
    const body = join(h.work, 'body.txt');
    writeFileSync(body, 'an object');
    for (const cli of [localCli, motoCli]) assert.equal((await cli(['s3api', 'put-object', '--bucket', BUCKET, '--key', 'plain', '--body', body])).status, 0);
    for (const args of [
      ['s3api', 'get-object', '--bucket', BUCKET, '--key', 'plain/under', join(h.work, 'under.bin')],
      ['s3api', 'head-object', '--bucket', BUCKET, '--key', 'plain/under'],
    ]) {
      const local = await answer(localCli, args);
      assert.deepEqual(local, await answer(motoCli, args), args[1]);
      assert.match(local.error ?? '', /\((NoSuchKey|404)\)/);
    }
  });
});
