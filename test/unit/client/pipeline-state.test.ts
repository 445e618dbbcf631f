/**
 * What `serve` remembers of a template load (pure): what the templates no longer declare, the
 * attribute names to reset (a subscription declared twice: both declarations' names), the union a
 * failed load keeps, and the saved form read back (anything else is nothing loaded).
 */
import assert from 'node:assert/strict';
import { droppedAttributes, goneSince, keyOf, mergeLoaded, NOTHING_LOADED, parseLoaded, type LoadedTemplates } from '../../../src/client/pipeline-state';

const sub = (endpoint: string, attributes: string[] = []) => ({ topicArn: 'arn:aws:sns:us-east-1:000000000000:t', protocol: 'email', endpoint, attributes });
const loaded = (o: Partial<LoadedTemplates>): LoadedTemplates => ({ ...NOTHING_LOADED, ...o });

describe('pipeline state of serve\'s template loads (unit)', () => {
  it('finds what the templates no longer declare, by name, topic ARN and subscription key', () => {
    const before = loaded({ rules: ['a', 'b'], schedules: ['s'], topics: [{ name: 't', arn: 'arn:t' }, { name: 'u', arn: 'arn:u' }], subscriptions: [sub('x@example.com'), sub('y@example.com')], buckets: ['raw', 'out'] });
    const now = loaded({ rules: ['b'], topics: [{ name: 't', arn: 'arn:t' }], subscriptions: [sub('y@example.com', ['FilterPolicy'])], buckets: ['out'] });
    const gone = goneSince(before, now);
    assert.deepEqual(gone, { rules: ['a'], schedules: ['s'], topics: [{ name: 'u', arn: 'arn:u' }], subscriptions: [sub('x@example.com')], buckets: ['raw'] });
    assert.deepEqual(goneSince(now, now), NOTHING_LOADED);
  });

  it('resets only the attribute names no declaration sets any more; a merge keeps every name', () => {
    const key = keyOf(sub('x@example.com'));
    const before = loaded({ subscriptions: [sub('x@example.com', ['FilterPolicy', 'RawMessageDelivery'])] });
    assert.deepEqual(droppedAttributes(before, loaded({ subscriptions: [sub('x@example.com', ['RawMessageDelivery'])] }), key), ['FilterPolicy']);
    assert.deepEqual(droppedAttributes(before, loaded({}), key), ['FilterPolicy', 'RawMessageDelivery']);
    assert.deepEqual(droppedAttributes(undefined, loaded({}), key), []);
    const merged = mergeLoaded(before, loaded({ rules: ['r'], subscriptions: [sub('x@example.com', ['DeliveryPolicy'])] }));
    assert.deepEqual(merged.subscriptions, [sub('x@example.com', ['FilterPolicy', 'RawMessageDelivery', 'DeliveryPolicy'])]);
    assert.deepEqual(merged.rules, ['r']);
  });

  it('reads back what it saved, and takes anything else for nothing loaded', () => {
    const l = loaded({ rules: ['a'], schedules: [], topics: [{ name: 't', arn: 'arn:t' }], subscriptions: [sub('x@example.com', ['FilterPolicy'])] });
    assert.deepEqual(parseLoaded(JSON.stringify(l)), l);
    // A record from before buckets were recorded: none.
    const { buckets: _, ...older } = l;
    assert.deepEqual(parseLoaded(JSON.stringify(older)), { ...l, buckets: [] });
    assert.deepEqual(parseLoaded(JSON.stringify({ ...l, buckets: ['raw'] }))?.buckets, ['raw']);
    for (const bad of [JSON.stringify({ ...l, buckets: [1] }), '', '{', '[]', '{"rules":"a"}', JSON.stringify({ ...l, topics: [{ name: 1 }] }), JSON.stringify({ ...l, subscriptions: [{ topicArn: 't' }] })]) assert.equal(parseLoaded(bad), undefined, bad);
  });
});
