/**
 * The Local view's bucket listing against the real local S3 (LocalService in-process, listed through
 * @aws-sdk/client-s3 as the editor does): a folder shows OBJECTS_PAGE entries and a "Load more…"
 * node while S3 has more, and the whole folder once the limit covers it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { systemClock } from '../../../src/emulator/clock/clock';
import { ScriptedRuntime } from '../../../src/emulator/runtime/scripted';
import { LocalService } from '../../../src/emulator/service';
import type { EmulatorConnection } from '../../../src/extension/emulator/manager';
import { OBJECTS_PAGE } from '../../../src/extension/views/pipeline/bucketRows';
import { bucketChildren } from '../../../src/extension/views/pipeline/buckets';
import { dropPipelineClients } from '../../../src/extension/views/pipeline/clients';

const OBJECTS = OBJECTS_PAGE + 50;

describe('Local view bucket paging on the local S3 (integration)', function () {
  this.timeout(60_000);
  let dir: string;
  let service: LocalService;
  let conn: EmulatorConnection;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-bucket-paging-'));
    service = await LocalService.start({ stateDir: dir, runtime: (store) => new ScriptedRuntime({ clock: systemClock(), logs: store, record: false }), log: () => undefined });
    conn = { endpoint: service.endpoint } as EmulatorConnection;
    const { url, region, credentials } = service.endpoint;
    const s3 = new S3Client({ endpoint: url, region, credentials, forcePathStyle: true });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'many' }));
      for (let i = 0; i < OBJECTS; i++) await s3.send(new PutObjectCommand({ Bucket: 'many', Key: `obj-${String(i).padStart(4, '0')}.txt`, Body: 'x' }));
    } finally {
      s3.destroy();
    }
  });

  after(async () => {
    dropPipelineClients();
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`shows ${OBJECTS_PAGE} entries and Load more, then all ${OBJECTS} once the limit covers them`, async () => {
    const bucket = { kind: 'pipeline', type: 'bucket', id: 's3:many', bucket: 'many' } as const;
    const first = await bucketChildren(conn, bucket, OBJECTS_PAGE);
    const objects = first.filter((n) => n.kind === 'pipeline' && n.type === 'object');
    assert.equal(objects.length, OBJECTS_PAGE);
    assert.equal(objects.at(-1)?.id, `s3:many/obj-${String(OBJECTS_PAGE - 1).padStart(4, '0')}.txt`);
    assert.deepEqual(first.at(-1), { kind: 'more', id: 'more:s3:many', view: 'local', listKey: 's3:many', description: `first ${OBJECTS_PAGE} shown` });

    const all = await bucketChildren(conn, bucket, 2 * OBJECTS_PAGE);
    assert.equal(all.length, OBJECTS);
    assert.ok(all.every((n) => n.kind === 'pipeline' && n.type === 'object'), 'no Load more once everything shows');
  });
});
