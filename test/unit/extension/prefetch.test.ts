import assert from 'node:assert/strict';
import { ExpandedNodes, Prefetch, PREFETCH_TTL_MS, ReadAhead } from '../../../src/extension/views/prefetch';

/**
 * A fake emulator client: every call is recorded and answers only when the test says so, so the
 * test sees which reads were in flight together. Answers come from `data` at the time they are
 * answered (an object put meanwhile shows).
 */
class FakeEmulatorClient {
  readonly calls: string[] = [];
  private readonly pending: Array<() => void> = [];
  readonly data = { buckets: ['scale'], objects: new Map<string, string[]>([['scale', ['obj-0000.txt']]]), runs: ['r-1'] };

  private call<T>(name: string, answer: () => T): Promise<T> {
    this.calls.push(name);
    return new Promise<T>((resolve) => this.pending.push(() => resolve(answer())));
  }

  listRuns(): Promise<string[]> {
    return this.call('ListJobs', () => [...this.data.runs]);
  }
  listBuckets(): Promise<string[]> {
    return this.call('ListBuckets', () => [...this.data.buckets]);
  }
  listObjects(bucket: string): Promise<string[]> {
    return this.call(`ListObjectsV2 ${bucket}`, () => [...(this.data.objects.get(bucket) ?? [])]);
  }
  /** Answers every call made so far. */
  answerAll(): void {
    for (const answer of this.pending.splice(0)) answer();
  }
  get inFlight(): number {
    return this.pending.length;
  }
}

interface FakeNode { readonly id: string }

describe('Local view: reading expanded nodes ahead of a Refresh (unit, fake client)', () => {
  it('starts every read at once, and the getChildren calls that follow take them instead of reading again', async () => {
    const client = new FakeEmulatorClient();
    const prefetch = new Prefetch();
    const read = (id: string): Promise<string[]> => (id === '' ? client.listRuns() : id === 'pipeline:buckets' ? client.listBuckets() : client.listObjects(id.slice('s3:'.length)));
    // A Refresh with the Buckets group and the bucket `scale` expanded.
    prefetch.begin();
    for (const id of ['', 'pipeline:buckets', 's3:scale']) void prefetch.start(id, () => read(id));
    assert.deepEqual(client.calls, ['ListJobs', 'ListBuckets', 'ListObjectsV2 scale']);
    assert.equal(client.inFlight, 3, 'all three reads in flight together, none waiting for another');
    client.data.objects.get('scale')!.push('obj-0000-new.txt');
    client.answerAll();
    // VS Code then asks level by level: each takes the read in flight, none reads again.
    const root = await prefetch.take('', () => read(''));
    const buckets = await prefetch.take('pipeline:buckets', () => read('pipeline:buckets'));
    const objects = await prefetch.take('s3:scale', () => read('s3:scale'));
    assert.deepEqual([root, buckets, objects], [['r-1'], ['scale'], ['obj-0000.txt', 'obj-0000-new.txt']]);
    assert.equal(client.calls.length, 3, 'no second read');
    // Handed out once: a later ask (a bucket expanded again, Load more) reads afresh.
    client.data.objects.get('scale')!.push('obj-0001-new.txt');
    const again = prefetch.take('s3:scale', () => read('s3:scale'));
    assert.equal(client.calls.length, 4);
    client.answerAll();
    assert.deepEqual(await again, ['obj-0000.txt', 'obj-0000-new.txt', 'obj-0001-new.txt']);
  });

  it('offers a read only shortly after it started (fake clock), and reads anew after that', async () => {
    let now = 1_000;
    const client = new FakeEmulatorClient();
    const prefetch = new Prefetch(() => now);
    prefetch.begin();
    void prefetch.start('s3:scale', () => client.listObjects('scale'));
    assert.equal(prefetch.has('s3:scale'), true);
    now += PREFETCH_TTL_MS + 1;
    const taken = prefetch.take('s3:scale', () => client.listObjects('scale'));
    assert.equal(prefetch.has('s3:scale'), false, 'an old read is not on offer');
    assert.equal(client.calls.length, 2, 'an old read is not handed out: the view shows data as of now');
    client.answerAll();
    assert.deepEqual(await taken, ['obj-0000.txt']);
  });

  it('a failed read surfaces where it is taken, never as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const prefetch = new Prefetch();
      prefetch.begin();
      void prefetch.start('a', () => Promise.reject(new Error('connection refused')));
      void prefetch.start('b', () => Promise.reject(new Error('never taken')));
      await new Promise((r) => setImmediate(r));
      await assert.rejects(prefetch.take('a', () => Promise.resolve('fresh')), /connection refused/);
      // A new Refresh drops the untaken one and says which: VS Code did not ask for it.
      assert.deepEqual(prefetch.begin(), ['b']);
      assert.equal(await prefetch.take('b', () => Promise.resolve('fresh')), 'fresh');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('knows the expanded nodes VS Code shows: parents first, none under a collapsed one', () => {
    const parents = new Map<string, string>([['s3:scale', 'pipeline:buckets'], ['s3:scale/dir/', 's3:scale'], ['job:a', 'run:1']]);
    const expanded = new ExpandedNodes<FakeNode>((id) => parents.get(id));
    for (const id of ['s3:scale/dir/', 's3:scale', 'pipeline:buckets', 'job:a']) expanded.listed({ id });
    // job:a's run is not expanded (never listed): not shown.
    assert.deepEqual(expanded.visible().map((n) => n.id), ['pipeline:buckets', 's3:scale', 's3:scale/dir/']);
    expanded.collapsed('s3:scale');
    assert.deepEqual(expanded.visible().map((n) => n.id), ['pipeline:buckets']);
    expanded.listed({ id: 's3:scale' });
    assert.deepEqual(expanded.visible().map((n) => n.id), ['pipeline:buckets', 's3:scale', 's3:scale/dir/']);
    expanded.forget(['pipeline:buckets']);
    assert.deepEqual(expanded.visible().map((n) => n.id), []);
  });

  it('keeps the latest node object for an id (the one VS Code handed back last)', () => {
    const expanded = new ExpandedNodes<{ id: string; v: number }>(() => undefined);
    expanded.listed({ id: 'x', v: 1 });
    expanded.listed({ id: 'x', v: 2 });
    assert.deepEqual(expanded.visible(), [{ id: 'x', v: 2 }]);
  });

  it('reads ahead the first collapsed rows only, once while a read is on offer, and hands each to its expand', async () => {
    const prefetch = new Prefetch();
    const reads: string[] = [];
    const ahead = new ReadAhead<{ id: string }>(prefetch, (row) => (reads.push(row.id), Promise.resolve([`${row.id}/obj`])), 2);
    ahead.listed([{ id: 's3:a' }, { id: 's3:b' }, { id: 's3:c' }, { id: 's3:d' }]);
    ahead.start(new Set(['s3:a']));
    assert.deepEqual(reads, ['s3:b', 's3:c'], 'the expanded row is skipped, and only `limit` rows are read');
    ahead.start(new Set(['s3:a']));
    assert.deepEqual(reads, ['s3:b', 's3:c'], 'not read again while on offer');
    assert.deepEqual(await prefetch.take('s3:b', () => Promise.resolve(['fresh'])), ['s3:b/obj']);
    ahead.start(new Set(['s3:a']));
    assert.deepEqual(reads, ['s3:b', 's3:c', 's3:b'], 'taken: read again for the next expand');
  });
});
