/**
 * Streaming a 1 GiB object in and out keeps the server's memory flat: a real server process takes
 * a 1 GiB PutObject from @aws-sdk/client-s3 (a generated stream, aws-chunked with a CRC32 trailer,
 * as the SDK sends it) and serves it back, while its resident memory (VmRSS in /proc) is sampled;
 * it must stay within a bound far below the object's size. The bytes that come back are checked too.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { serveS3 } from '../../support/s3-process';

const MiB = 1024 * 1024;
const SIZE = 1024 * MiB;
/** The server's RSS may grow by at most this much over its idle RSS while moving 1 GiB. */
const BOUND = 160 * MiB;

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** 1 GiB made of one random MiB repeated, handed out in 64 KiB pieces. */
function generated(block: Buffer): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) {
        this.push(null);
        return;
      }
      const at = sent % block.length;
      const piece = block.subarray(at, at + 64 * 1024);
      sent += piece.length;
      this.push(piece);
    },
  });
}

describe('S3 memory while streaming 1 GiB', function () {
  this.timeout(600_000);
  let work: string;
  let child: ChildProcess | undefined;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'localbatch-s3-mem-'));
    mkdirSync(join(work, 'state'));
  });
  after(() => {
    child?.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps the server process within a flat memory bound for a 1 GiB upload and download', async () => {
    const served = await serveS3(join(work, 'state'));
    child = served.child;
    const pid = child.pid!;
    const s3 = served.client;
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'big' }));
      const idle = rss(pid);
      let peak = idle;
      const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 50);
      const block = randomBytes(MiB);
      const expected = createHash('md5');
      for (let i = 0; i < SIZE / MiB; i++) expected.update(block);
      const md5 = expected.digest('hex');
      try {
        const put = await s3.send(new PutObjectCommand({ Bucket: 'big', Key: 'one-gib.bin', Body: generated(block), ContentLength: SIZE }));
        assert.equal(put.ETag, `"${md5}"`);
        const uploadPeak = peak - idle;
        const got = await s3.send(new GetObjectCommand({ Bucket: 'big', Key: 'one-gib.bin' }));
        assert.equal(got.ContentLength, SIZE);
        const back = createHash('md5');
        let size = 0;
        for await (const c of got.Body as AsyncIterable<Buffer>) {
          back.update(c);
          size += c.length;
        }
        assert.equal(size, SIZE);
        assert.equal(back.digest('hex'), md5);
        const overall = peak - idle;
        assert.ok(uploadPeak < BOUND, `the server grew by ${(uploadPeak / MiB).toFixed(0)} MiB while taking 1 GiB in (bound ${BOUND / MiB} MiB)`);
        assert.ok(overall < BOUND, `the server grew by ${(overall / MiB).toFixed(0)} MiB while moving 1 GiB (bound ${BOUND / MiB} MiB)`);
      } finally {
        clearInterval(sampler);
      }
    } finally {
      s3.destroy();
    }
  });
});
