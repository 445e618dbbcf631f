/**
 * ListAhead (listing pages built ahead of their requests), with a fake clock: a prepared page is
 * answered once, only to its own request, and never once stale: after a write through the API (the
 * write count moved), a change in one of its folders, or FRESH_MS after it was started. A request
 * waiting for a page still being built makes the build stop yielding to other events; builds run
 * one at a time, and one no longer wanted stops.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRESH_MS, ListAhead, type Pace } from '../../../../src/emulator/s3/list-ahead';

describe('S3 listing pages read ahead (ListAhead)', () => {
  let dir: string;
  let clock: number;
  let ahead: ListAhead;
  let dirs: Array<[string, number]>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'localbatch-list-ahead-'));
    clock = 1000;
    ahead = new ListAhead(() => clock);
    dirs = [[dir, statSync(dir).mtimeMs]];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers a prepared page once, to its own request only', async () => {
    ahead.prepare('page-2', 7, dirs, async () => 'xml of page 2');
    assert.equal(await ahead.take('page-3', 7), undefined);
    assert.equal(await ahead.take('page-2', 7), 'xml of page 2');
    assert.equal(await ahead.take('page-2', 7), undefined);
  });

  it('does not answer a page prepared before a write through the API', async () => {
    ahead.prepare('page-2', 7, dirs, async () => 'xml of page 2');
    assert.equal(await ahead.take('page-2', 8), undefined);
  });

  it('does not answer a page once one of its folders changed', async () => {
    ahead.prepare('page-2', 7, dirs, async () => 'xml of page 2');
    const later = new Date(statSync(dir).mtimeMs + 5000);
    utimesSync(dir, later, later);
    assert.equal(await ahead.take('page-2', 7), undefined);
  });

  it(`does not answer a page started more than ${FRESH_MS} ms before its request`, async () => {
    ahead.prepare('page-2', 7, dirs, async () => 'xml of page 2');
    ahead.prepare('page-3', 7, dirs, async () => 'xml of page 3');
    clock += FRESH_MS;
    assert.equal(await ahead.take('page-2', 7), 'xml of page 2');
    clock += 1;
    assert.equal(await ahead.take('page-3', 7), undefined);
  });

  it('answers nothing for a page that could not be read ahead, or whose build failed', async () => {
    ahead.prepare('page-2', 7, dirs, async () => undefined);
    ahead.prepare('page-3', 7, dirs, async () => {
      throw new Error('gone');
    });
    assert.equal(await ahead.take('page-2', 7), undefined);
    assert.equal(await ahead.take('page-3', 7), undefined);
  });

  it('builds after the current turn, and stops yielding once a request waits for the page', async () => {
    let seen: Pace | undefined;
    let started = false;
    ahead.prepare('page-2', 7, dirs, async (pace) => {
      started = true;
      seen = pace;
      assert.equal(pace.urgent, false);
      // yields now and then while nobody waits
      for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 5));
      return `urgent: ${pace.urgent}`;
    });
    assert.equal(started, false, 'the build waits for the current request to be answered');
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(started, true);
    assert.equal(await ahead.take('page-2', 7), 'urgent: true');
    assert.equal(seen?.urgent, true);
  });

  it('runs the builds one after the other', async () => {
    const order: string[] = [];
    const build = (name: string) => async () => {
      order.push(`${name} starts`);
      await new Promise((r) => setTimeout(r, 10));
      order.push(`${name} ends`);
      return name;
    };
    ahead.prepare('page-2', 7, dirs, build('a'));
    ahead.prepare('page-3', 7, dirs, build('b'));
    assert.equal(await ahead.take('page-3', 7), 'b');
    assert.equal(await ahead.take('page-2', 7), 'a');
    assert.deepEqual(order, ['a starts', 'a ends', 'b starts', 'b ends']);
  });

  it('stops a build whose page is no longer wanted: stale when asked for, or pushed out', async () => {
    const paces: Pace[] = [];
    const slow = async (pace: Pace) => {
      paces.push(pace);
      for (;;) {
        await pace.turn();
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    ahead.prepare('stale', 7, dirs, slow);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await ahead.take('stale', 8), undefined);
    assert.equal(paces[0].cancelled, true);
    await assert.rejects(paces[0].turn(), /no longer wanted/);
    // the next build runs once the stopped one has given up
    ahead.prepare('page-2', 7, dirs, async () => 'xml of page 2');
    assert.equal(await ahead.take('page-2', 7), 'xml of page 2');
    // prepared again for the same request: the first build stops
    ahead.prepare('again', 7, dirs, slow);
    await new Promise((r) => setTimeout(r, 20));
    ahead.prepare('again', 7, dirs, async () => 'the second');
    assert.equal(paces[1].cancelled, true);
    assert.equal(await ahead.take('again', 7), 'the second');
  });
});
