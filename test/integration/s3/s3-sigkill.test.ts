/**
 * An acknowledged CreateBucket and PutObject (plain, and a completed multipart upload) survive a
 * SIGKILL of the server right after the answer: the restarted server serves the same bytes and
 * metadata.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

interface Served {
  child: ChildProcess;
  client: S3Client;
}

function serve(stateDir: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'serve-s3.ts'), stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (!out.includes('\n')) return;
      const info = JSON.parse(line) as { url: string; accessKeyId: string; secretAccessKey: string };
      resolve({ child, client: new S3Client({ endpoint: info.url, region: 'us-east-1', forcePathStyle: true, credentials: info }) });
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
}

function kill(s: Served): Promise<void> {
  s.client.destroy();
  return new Promise((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.kill('SIGKILL');
  });
}

describe('S3 durability across SIGKILL', function () {
  this.timeout(120_000);
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'localbatch-s3-kill-'));
    mkdirSync(join(work, 'state'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('keeps acknowledged buckets and objects', async () => {
    const state = join(work, 'state');
    const data = randomBytes(3 * 1024 * 1024);
    let s = await serve(state);
    await s.client.send(new CreateBucketCommand({ Bucket: 'kept' }));
    await s.client.send(new PutObjectCommand({ Bucket: 'kept', Key: 'a/b.bin', Body: data, ContentType: 'application/x-test', Metadata: { m: 'v' } }));
    await kill(s);
    s = await serve(state);
    try {
      const head = await s.client.send(new HeadObjectCommand({ Bucket: 'kept', Key: 'a/b.bin' }));
      assert.equal(head.ContentType, 'application/x-test');
      assert.deepEqual(head.Metadata, { m: 'v' });
      const got = await s.client.send(new GetObjectCommand({ Bucket: 'kept', Key: 'a/b.bin' }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
      // and again, killed right after the put of a declared bucket's object
      await s.client.send(new PutObjectCommand({ Bucket: 'declared', Key: 'x.txt', Body: 'declared body' }));
    } finally {
      await kill(s);
    }
    s = await serve(state);
    try {
      const got = await s.client.send(new GetObjectCommand({ Bucket: 'declared', Key: 'x.txt' }));
      assert.equal(await got.Body!.transformToString(), 'declared body');
    } finally {
      await kill(s);
    }
  });
});
