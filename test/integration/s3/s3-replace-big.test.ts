/**
 * Replacing and deleting big objects (8 MiB and more, whose blocks the server frees after the
 * answer by closing the old file then, see objects.ts): through the real SDK, in a server process
 * of its own, a replaced object reads back as its new bytes, deleted ones are gone, and once the
 * answers are in the server holds no descriptor of a removed file (none leaks, so the disk space is
 * given back).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { killServed, serveS3, type ServedS3 } from '../../support/s3-process';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** The server's descriptors open on files that were removed. */
function removedFilesHeld(pid: number): string[] {
  const held: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.endsWith(' (deleted)')) held.push(target);
    } catch {
      // closed meanwhile
    }
  }
  return held;
}

describe('S3 big objects replaced and deleted', function () {
  this.timeout(120_000);
  let work: string;
  let served: ServedS3 | undefined;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'localbatch-s3-replace-'));
    served = await serveS3(join(work, 'state'));
  });
  after(async () => {
    if (served) await killServed(served);
    rmSync(work, { recursive: true, force: true });
  });

  it('reads a replaced object back as its new bytes, and holds no removed file open afterwards', async () => {
    const s3 = served!.client;
    await s3.send(new CreateBucketCommand({ Bucket: 'big' }));
    const bodies = [randomBytes(9 * MiB), randomBytes(12 * MiB), randomBytes(9 * MiB)];
    for (const body of bodies) {
      const put = await s3.send(new PutObjectCommand({ Bucket: 'big', Key: 'out/result.bin', Body: body }));
      assert.equal(put.ETag, `"${md5(body)}"`);
      const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'big', Key: 'out/result.bin' }))).Body!.transformToByteArray());
      assert.equal(md5(got), md5(body));
    }
    for (const key of ['gone/one.bin', 'gone/two.bin']) await s3.send(new PutObjectCommand({ Bucket: 'big', Key: key, Body: bodies[0] }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'big', Key: 'gone/one.bin' }));
    await s3.send(new DeleteObjectsCommand({ Bucket: 'big', Delete: { Objects: [{ Key: 'gone/two.bin' }] } }));
    for (const key of ['gone/one.bin', 'gone/two.bin']) {
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'big', Key: key })), (err: { name?: string }) => err.name === 'NotFound');
    }
    // the old files are closed right after the answers (their blocks freed in the thread pool)
    let held = removedFilesHeld(served!.child.pid!);
    for (let i = 0; i < 50 && held.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      held = removedFilesHeld(served!.child.pid!);
    }
    assert.deepEqual(held, []);
  });
});
