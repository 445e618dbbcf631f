/** S3's rules for a bucket's notification configurations (pure): key filters, event families, overlaps. */
import assert from 'node:assert/strict';
import { coversEvent, firstDuplicateId, firstOverlap, isFilterProblem, keyFilterOf, S3_NOTIFICATION_EVENTS } from '../../../src/model/s3/notifications';

const config = (events: string[], prefix?: string, suffix?: string) => ({ events, ...(prefix !== undefined ? { prefix } : {}), ...(suffix !== undefined ? { suffix } : {}) });

describe('S3 notification rules (unit)', () => {
  it('reads a key filter: none, one prefix and one suffix (names in any case); refuses others, at the rule', () => {
    assert.deepEqual(keyFilterOf([]), {});
    assert.deepEqual(keyFilterOf([{ name: 'Prefix', value: 'in/' }]), { prefix: 'in/' });
    assert.deepEqual(keyFilterOf([{ name: 'SUFFIX', value: '.csv' }, { name: 'prefix', value: '' }]), { suffix: '.csv', prefix: '' });
    const bad = keyFilterOf([{ name: 'prefix', value: 'a' }, { name: 'contains', value: 'x' }]);
    assert.ok(isFilterProblem(bad));
    assert.deepEqual(bad, { message: 'filter rule name must be either prefix or suffix', index: 1, name: 'contains' });
    assert.deepEqual(keyFilterOf([{ name: 'suffix', value: 'a' }, { name: 'Suffix', value: 'b' }]), { message: 'Cannot specify more than one suffix rule in a filter.', index: 1, name: 'suffix' });
    assert.ok(!isFilterProblem(keyFilterOf([{ name: 'prefix', value: 'a' }])));
  });

  it('a wildcard event covers its family only; a named one only itself', () => {
    assert.ok(coversEvent('s3:ObjectCreated:*', 's3:ObjectCreated:Put'));
    assert.ok(coversEvent('s3:ObjectCreated:Put', 's3:ObjectCreated:Put'));
    assert.ok(!coversEvent('s3:ObjectCreated:Put', 's3:ObjectCreated:Copy'));
    assert.ok(!coversEvent('s3:ObjectCreated:*', 's3:ObjectRemoved:Delete'));
    assert.ok(!coversEvent('s3:ObjectCreated:Pu', 's3:ObjectCreated:Put'));
    assert.ok(S3_NOTIFICATION_EVENTS.has('s3:ObjectRemoved:DeleteMarkerCreated') && !S3_NOTIFICATION_EVENTS.has('s3:TestEvent'));
  });

  it('two configurations overlap when they share an event type and one key could match both filters', () => {
    const overlaps = (a: ReturnType<typeof config>, b: ReturnType<typeof config>) => firstOverlap([a, b]);
    const put = ['s3:ObjectCreated:Put'];
    // Nested prefixes or suffixes, either way round, and no filter at all (it matches every key).
    for (const [a, b] of [[config(put, 'in/'), config(put, 'in/deep/')], [config(put, 'in/deep/'), config(put, 'in/')], [config(put, undefined, '.csv'), config(put, undefined, 'x.csv')], [config(put, undefined, 'x.csv'), config(put, undefined, '.csv')], [config(put, 'a/'), config(put)], [config(put), config(put, 'a/')]]) {
      assert.deepEqual(overlaps(a, b), { first: 0, second: 1, event: 's3:ObjectCreated:Put' }, JSON.stringify([a, b]));
    }
    // A wildcard shares its family's events, in either place; any one shared event is enough.
    assert.equal(overlaps(config(['s3:ObjectCreated:*']), config(['s3:ObjectRemoved:Delete', 's3:ObjectCreated:Copy']))?.event, 's3:ObjectCreated:*');
    assert.equal(overlaps(config(['s3:ObjectRemoved:Delete', 's3:ObjectCreated:Copy']), config(['s3:ObjectCreated:*']))?.event, 's3:ObjectCreated:Copy');
    // Other events, or filters no key can match both of.
    assert.equal(overlaps(config(put), config(['s3:ObjectCreated:Copy'])), undefined);
    assert.equal(overlaps(config(['s3:ObjectCreated:*']), config(['s3:ObjectRemoved:*'])), undefined);
    assert.equal(overlaps(config(put, 'a/'), config(put, 'b/')), undefined);
    assert.equal(overlaps(config(put, 'a/', '.csv'), config(put, 'a/', '.json')), undefined);
    assert.equal(overlaps(config(put, undefined, '.csv'), config(put, undefined, '.json')), undefined);
    // The first pair found, the later one second.
    assert.deepEqual(firstOverlap([config(put, 'a/'), config(put, 'b/'), config(put, 'b/x')]), { first: 1, second: 2, event: 's3:ObjectCreated:Put' });
  });

  it('finds the first configuration whose Id an earlier one has; those without an Id never clash', () => {
    assert.equal(firstDuplicateId([]), undefined);
    assert.equal(firstDuplicateId(['a', 'b', undefined, undefined, '', '']), undefined);
    assert.deepEqual(firstDuplicateId(['a', 'b', 'c', 'b', 'a']), { first: 1, second: 3 });
    assert.deepEqual(firstDuplicateId([undefined, 'x', 'X', 'x']), { first: 1, second: 3 });
  });
});
