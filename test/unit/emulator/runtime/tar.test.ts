import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { writeTarGz } from '../../../../src/emulator/runtime/tar';

async function entriesOf(file: string): Promise<Array<{ name: string; type: string; body: string }>> {
  const out: Array<{ name: string; type: string; body: string }> = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      out.push({ name: header.name, type: header.type ?? '', body: Buffer.concat(chunks).toString('utf8') });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    createReadStream(file).pipe(createGunzip()).pipe(extract);
  });
  return out;
}

describe('writeTarGz (model.tar.gz)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'localbatch-tar-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('archives the folder contents in name order, nested folders included, symlinks left out', async () => {
    const model = join(dir, 'model');
    mkdirSync(join(model, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(model, 'weights.bin'), 'w'.repeat(1500));
    writeFileSync(join(model, 'sub', 'deeper', 'a.txt'), 'alpha');
    writeFileSync(join(model, 'b.json'), '{"b":1}');
    symlinkSync('/etc/passwd', join(model, 'link'));
    const file = join(dir, 'model.tar.gz');
    await writeTarGz(model, file);
    const got = await entriesOf(file);
    assert.deepEqual(got.map((e) => [e.name.replace(/\/$/, ''), e.type]), [
      ['b.json', 'file'],
      ['sub', 'directory'],
      ['sub/deeper', 'directory'],
      ['sub/deeper/a.txt', 'file'],
      ['weights.bin', 'file'],
    ]);
    assert.equal(got.find((e) => e.name === 'sub/deeper/a.txt')?.body, 'alpha');
    assert.equal(got.find((e) => e.name === 'weights.bin')?.body.length, 1500);
  });

  it('writes an empty archive for an empty folder', async () => {
    mkdirSync(join(dir, 'empty'));
    await writeTarGz(join(dir, 'empty'), join(dir, 'e.tar.gz'));
    assert.deepEqual(await entriesOf(join(dir, 'e.tar.gz')), []);
  });
});
