/**
 * Files put into or removed from a bucket's folder by hand emit the events an upload (a delete)
 * through the API would, for buckets with EventBridge notifications on: "Object Created" with the
 * file's size and ETag (and the CloudTrail-shaped PutObject event), "Object Deleted"; a file
 * edited in place is created again; a folder copied in reports each file. What the API itself
 * writes or deletes is reported once, not again by the folder; files there before the watch
 * began, and buckets without EventBridge, report nothing. Real files, real fs.watch, the local
 * S3 on a loopback port driven by @aws-sdk/client-s3.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from '../../../src/emulator/s3/events';
import { FolderWatch } from '../../../src/emulator/s3/folder-watch';
import { startS3, type S3Harness } from '../../support/s3-harness';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('S3 events for files put into a bucket folder by hand (integration)', function () {
  this.timeout(60_000);
  let h: S3Harness;
  let s3: S3Client;
  before(async () => {
    h = await startS3();
    s3 = h.client();
    await h.s3.watching();
  });
  after(async () => {
    s3.destroy();
    await h.close();
  });

  const objectEvents = (key?: string) => h.events.filter((e) => e['detail-type'] !== 'AWS API Call via CloudTrail' && (key === undefined || (e.detail.object as { key: string }).key === key));
  async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(h.events.map((e) => [e['detail-type'], e.detail.object ?? e.detail.eventName]))}`);
      await sleep(50);
    }
  }
  const kinds = (key: string) => objectEvents(key).map((e) => e['detail-type']);

  it('a file dropped in is created (size, ETag, CloudTrail PutObject); edited, created again; removed, deleted', async () => {
    h.events.length = 0;
    mkdirSync(join(h.declaredDir, 'in'), { recursive: true });
    writeFileSync(join(h.declaredDir, 'in', 'a.csv'), 'x,y\n1,2\n');
    await until('Object Created for in/a.csv', () => kinds('in/a.csv').length === 1);
    const created = objectEvents('in/a.csv')[0]! as S3Event;
    assert.equal(created['detail-type'], 'Object Created');
    assert.deepEqual(created.resources, ['arn:aws:s3:::declared']);
    const object = created.detail.object as { key: string; size: number; etag: string };
    assert.equal(object.size, 8);
    assert.equal(object.etag, md5('x,y\n1,2\n'));
    assert.equal(created.detail.reason, 'PutObject');
    const trail = h.events.find((e) => e['detail-type'] === 'AWS API Call via CloudTrail' && (e.detail.requestParameters as { key: string }).key === 'in/a.csv');
    assert.equal(trail?.detail.eventName, 'PutObject');

    writeFileSync(join(h.declaredDir, 'in', 'a.csv'), 'x,y\n3,4\n5,6\n');
    await until('a second Object Created', () => kinds('in/a.csv').length === 2);
    assert.equal((objectEvents('in/a.csv')[1]!.detail.object as { size: number }).size, 12);

    unlinkSync(join(h.declaredDir, 'in', 'a.csv'));
    await until('Object Deleted', () => kinds('in/a.csv').length === 3);
    assert.deepEqual(kinds('in/a.csv'), ['Object Created', 'Object Created', 'Object Deleted']);
    assert.equal(objectEvents('in/a.csv')[2]!.detail['deletion-type'], 'Permanently Deleted');
  });

  it('a folder copied in reports each file, and removing it deletes each', async () => {
    h.events.length = 0;
    const src = join(h.work, 'batch-01');
    mkdirSync(join(src, 'deep'), { recursive: true });
    for (const f of ['one.txt', 'two.txt', 'deep/three.txt']) writeFileSync(join(src, f), f);
    cpSync(src, join(h.declaredDir, 'batch-01'), { recursive: true });
    const keys = ['batch-01/deep/three.txt', 'batch-01/one.txt', 'batch-01/two.txt'];
    await until('three Object Created', () => keys.every((k) => kinds(k).length === 1));
    rmSync(join(h.declaredDir, 'batch-01'), { recursive: true });
    await until('three Object Deleted', () => keys.every((k) => kinds(k).length === 2));
    assert.deepEqual(keys.map(kinds), keys.map(() => ['Object Created', 'Object Deleted']));
  });

  it('a file replaced by a rename (an editor\'s save) and then edited or removed is reported each time; removing folders d1 and d10 reports both', async () => {
    h.events.length = 0;
    const file = join(h.declaredDir, 'saved.txt');
    writeFileSync(file, 'v1');
    await until('the first version', () => kinds('saved.txt').length === 1);
    writeFileSync(join(h.declaredDir, 'saved.txt.swp'), 'v2, saved');
    renameSync(join(h.declaredDir, 'saved.txt.swp'), file);
    await until('the saved version', () => kinds('saved.txt').length === 2);
    writeFileSync(file, 'v3, edited in place');
    await until('the edit', () => kinds('saved.txt').length === 3);
    unlinkSync(file);
    await until('the removal', () => kinds('saved.txt').length === 4);
    assert.deepEqual(kinds('saved.txt'), ['Object Created', 'Object Created', 'Object Created', 'Object Deleted']);

    for (const d of ['d1', 'd10']) {
      mkdirSync(join(h.declaredDir, d));
      writeFileSync(join(h.declaredDir, d, 'f.txt'), d);
    }
    await until('both folders\' files', () => kinds('d1/f.txt').length === 1 && kinds('d10/f.txt').length === 1);
    rmSync(join(h.declaredDir, 'd1'), { recursive: true });
    rmSync(join(h.declaredDir, 'd10'), { recursive: true });
    await until('both removals', () => kinds('d1/f.txt').length === 2 && kinds('d10/f.txt').length === 2);
  });

  it('what the API writes or deletes is reported once, not again by the folder', async () => {
    h.events.length = 0;
    await s3.send(new PutObjectCommand({ Bucket: 'declared', Key: 'api/put.txt', Body: 'through the API' }));
    await sleep(900); // the folder's events for it are looked at after half a second
    await s3.send(new PutObjectCommand({ Bucket: 'declared', Key: 'api/put.txt', Body: 'again' }));
    await sleep(900);
    await s3.send(new DeleteObjectCommand({ Bucket: 'declared', Key: 'api/put.txt' }));
    await sleep(900);
    assert.deepEqual(kinds('api/put.txt'), ['Object Created', 'Object Created', 'Object Deleted']);
    // A file put in by hand where the API wrote one is reported.
    await s3.send(new PutObjectCommand({ Bucket: 'declared', Key: 'api/mixed.txt', Body: 'api' }));
    await sleep(900);
    writeFileSync(join(h.declaredDir, 'api', 'mixed.txt'), 'by hand, longer');
    await until('the hand-made Object Created', () => kinds('api/mixed.txt').length === 2);
    assert.equal((objectEvents('api/mixed.txt')[1]!.detail.object as { size: number }).size, 15);
    unlinkSync(join(h.declaredDir, 'api', 'mixed.txt'));
    await until('the hand-made Object Deleted', () => kinds('api/mixed.txt').length === 3);
    assert.deepEqual(kinds('api/mixed.txt'), ['Object Created', 'Object Created', 'Object Deleted']);
  });

  it('a bucket without EventBridge reports nothing; once it is turned on, only files put in after', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'later' }));
    const dir = join(h.work, 'state', 's3', 'buckets', 'later');
    writeFileSync(join(dir, 'before.txt'), 'before');
    await sleep(1_000);
    h.events.length = 0;
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'later', NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    await h.s3.watching();
    writeFileSync(join(dir, 'after.txt'), 'after');
    await until('Object Created for after.txt', () => kinds('after.txt').length === 1);
    await sleep(700);
    assert.deepEqual(kinds('before.txt'), []);
    assert.deepEqual(h.events.filter((e) => e.resources.includes('arn:aws:s3:::declared')), [], 'the other bucket is quiet');
  });
});

describe('FolderWatch: the periodic check finds what the folder events missed (real files)', () => {
  it('files added and removed without an event reaching it, and a bucket folder removed and made again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'localbatch-folder-check-'));
    const seen: string[] = [];
    // Events are looked at only after an hour here: everything found is the check's.
    const fw = new FolderWatch({ buckets: () => [{ name: 'b', dir, created: '', declared: true, eventBridge: true, notifiesTopics: false }], skip: join(dir, 'none'), emit: (c) => seen.push(`${c.kind} ${c.key}`), log: () => {}, quietMs: 3_600_000 });
    try {
      writeFileSync(join(dir, 'old.txt'), 'there before');
      fw.update();
      await fw.ready();
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'new.txt'), 'new');
      unlinkSync(join(dir, 'old.txt'));
      await fw.check();
      assert.deepEqual(seen.sort(), ['created sub/new.txt', 'deleted old.txt']);
      seen.length = 0;
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      writeFileSync(join(dir, 'again.txt'), 'made again');
      await fw.check();
      await fw.check();
      assert.deepEqual(seen.sort(), ['created again.txt', 'deleted sub/new.txt']);
    } finally {
      fw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
