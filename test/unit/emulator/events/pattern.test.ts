import assert from 'node:assert/strict';
import { matches, parsePattern, PatternError } from '../../../../src/emulator/events/core/pattern';
import { RuleBook, type RuleRecord } from '../../../../src/emulator/events/core/rules';

const event = {
  version: '0',
  id: '1',
  'detail-type': 'Batch Job State Change',
  source: 'aws.batch',
  account: '123456789012',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:batch:us-east-1:123456789012:job/abc'],
  detail: {
    status: 'FAILED',
    jobName: 'Nightly-Report',
    attempts: 3,
    ratio: 0.5,
    tags: ['x', 'prod'],
    nothing: null,
    ip: '10.0.0.7',
    ip6: '2001:db8::1',
    file: 'data/in/report.csv',
    nested: { deep: { flag: true } },
    items: [{ name: 'a' }, { name: 'b' }],
  },
};

const m = (pattern: object, ev: object = event): boolean => matches(parsePattern(JSON.stringify(pattern)), ev);

describe('EventBridge event patterns', () => {
  const cases: Array<[string, object, boolean]> = [
    ['exact string', { source: ['aws.batch'] }, true],
    ['exact string, other value', { source: ['aws.s3'] }, false],
    ['exact number', { detail: { attempts: [3] } }, true],
    ['exact number vs string', { detail: { attempts: ['3'] } }, false],
    ['exact null', { detail: { nothing: [null] } }, true],
    ['exact boolean nested', { detail: { nested: { deep: { flag: [true] } } } }, true],
    ['array value: any element', { detail: { tags: ['prod'] } }, true],
    ['array value: none', { detail: { tags: ['dev'] } }, false],
    ['array of objects', { detail: { items: { name: ['b'] } } }, true],
    ['AND across fields', { source: ['aws.batch'], detail: { status: ['SUCCEEDED'] } }, false],
    ['prefix', { detail: { file: [{ prefix: 'data/in/' }] } }, true],
    ['prefix miss', { detail: { file: [{ prefix: 'data/out/' }] } }, false],
    ['prefix equals-ignore-case', { detail: { jobName: [{ prefix: { 'equals-ignore-case': 'nightly' } }] } }, true],
    ['suffix', { detail: { file: [{ suffix: '.csv' }] } }, true],
    ['suffix equals-ignore-case', { detail: { file: [{ suffix: { 'equals-ignore-case': '.CSV' } }] } }, true],
    ['anything-but string', { detail: { status: [{ 'anything-but': 'SUCCEEDED' }] } }, true],
    ['anything-but list hit', { detail: { status: [{ 'anything-but': ['FAILED', 'x'] }] } }, false],
    ['anything-but number', { detail: { attempts: [{ 'anything-but': [1, 2] }] } }, true],
    ['anything-but prefix', { detail: { file: [{ 'anything-but': { prefix: 'data/' } }] } }, false],
    ['anything-but suffix', { detail: { file: [{ 'anything-but': { suffix: '.json' } }] } }, true],
    ['anything-but wildcard list', { detail: { file: [{ 'anything-but': { wildcard: ['*.json', 'tmp/*'] } }] } }, true],
    ['anything-but equals-ignore-case', { detail: { status: [{ 'anything-but': { 'equals-ignore-case': ['failed'] } }] } }, false],
    ['anything-but on an absent field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['numeric range', { detail: { attempts: [{ numeric: ['>', 0, '<=', 3] }] } }, true],
    ['numeric range miss', { detail: { attempts: [{ numeric: ['>', 3] }] } }, false],
    ['numeric equals', { detail: { ratio: [{ numeric: ['=', 0.5] }] } }, true],
    ['numeric on a string', { detail: { status: [{ numeric: ['>', 0] }] } }, false],
    ['exists true', { detail: { status: [{ exists: true }] } }, true],
    ['exists true on null', { detail: { nothing: [{ exists: true }] } }, true],
    ['exists false', { detail: { missing: [{ exists: false }] } }, true],
    ['exists false on a present field', { detail: { status: [{ exists: false }] } }, false],
    ['exists on an intermediate object', { detail: { nested: [{ exists: true }] } }, false],
    ['equals-ignore-case', { detail: { status: [{ 'equals-ignore-case': 'failed' }] } }, true],
    ['wildcard', { detail: { file: [{ wildcard: 'data/*/report.*' }] } }, true],
    ['wildcard miss', { detail: { file: [{ wildcard: 'data/*/x.*' }] } }, false],
    ['wildcard escaped star', { detail: { file: [{ wildcard: 'data\\*' }] } }, false],
    ['cidr v4', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, true],
    ['cidr v4 miss', { detail: { ip: [{ cidr: '10.0.1.0/24' }] } }, false],
    ['cidr v6', { detail: { ip6: [{ cidr: '2001:db8::/32' }] } }, true],
    ['$or', { $or: [{ source: ['nope'] }, { detail: { status: ['FAILED'] } }] }, true],
    ['$or none', { $or: [{ source: ['nope'] }, { detail: { status: ['OK'] } }] }, false],
    ['nested $or', { detail: { $or: [{ status: ['OK'] }, { attempts: [{ numeric: ['>=', 3] }] }] } }, true],
    ['leaf never matches an object', { detail: { nested: ['x'] } }, false],
    ['OR inside a leaf', { detail: { status: ['OK', { prefix: 'FAIL' }] } }, true],
  ];
  for (const [name, pattern, expected] of cases) {
    it(`${name}: ${expected ? 'matches' : 'does not match'}`, () => assert.equal(m(pattern), expected));
  }

  const invalid: Array<[string, string, RegExp]> = [
    ['not JSON', '{source:', /not valid JSON/],
    ['not an object', '[1]', /not an object/],
    ['empty', '{}', /Empty event pattern/],
    ['scalar leaf', '{"source":"aws.batch"}', /must be an array or an object/],
    ['empty array', '{"source":[]}', /Empty arrays/],
    ['unknown operator', '{"source":[{"contains":"x"}]}', /Unrecognized match type contains/],
    ['two operators in one object', '{"source":[{"prefix":"a","suffix":"b"}]}', /exactly one operator/],
    ['exists not boolean', '{"source":[{"exists":"yes"}]}', /exists match pattern must be either true or false/],
    ['numeric bad operator', '{"n":[{"numeric":["!=",1]}]}', /Unrecognized numeric range operator/],
    ['numeric upper then lower', '{"n":[{"numeric":["<",5,">",1]}]}', /Bad numeric range/],
    ['numeric = with another', '{"n":[{"numeric":["=",5,"<",6]}]}', /cannot be combined|Bad numeric range/],
    ['numeric empty range', '{"n":[{"numeric":[">",5,"<",1]}]}', /lower bound must be below/],
    ['anything-but mixed list', '{"s":[{"anything-but":["a",1]}]}', /all values must be strings or all numbers/],
    ['anything-but numeric', '{"s":[{"anything-but":{"numeric":[">",1]}}]}', /Unsupported anything-but pattern/],
    ['wildcard consecutive stars', '{"s":[{"wildcard":"a**b"}]}', /Consecutive wildcard/],
    ['cidr malformed', '{"s":[{"cidr":"10.0.0.1"}]}', /Malformed CIDR, one "\/" required/],
    ['cidr prefix too long', '{"s":[{"cidr":"10.0.0.0/33"}]}', /Malformed CIDR, an IPv4 or IPv6 address, then a prefix length of at most 32/],
    ['$or with one alternative', '{"$or":[{"a":["b"]}]}', /at least two/],
    ['prefix not a string', '{"s":[{"prefix":5}]}', /prefix match pattern must be a string/],
  ];
  for (const [name, text, re] of invalid) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parsePattern(text),
        (err: unknown) => err instanceof PatternError && /^Event pattern is not valid\. Reason: /.test(err.message) && re.test(err.message),
      );
    });
  }
});

describe('RuleBook index', () => {
  const rule = (Name: string, EventPattern: string, State: RuleRecord['State'] = 'ENABLED'): RuleRecord => ({ Name, Arn: `arn:${Name}`, EventBusName: 'default', EventPattern, State, CreatedBy: '1', Targets: [] });

  it('finds rules through their exact sources and tries unindexed rules for every event', () => {
    const book = new RuleBook();
    book.put(rule('batch', '{"source":["aws.batch"]}'));
    book.put(rule('s3', '{"source":["aws.s3"]}'));
    book.put(rule('any-failed', '{"detail":{"status":["FAILED"]}}'));
    book.put(rule('prefixed', '{"source":[{"prefix":"aws."}]}'));
    book.put(rule('off', '{"source":["aws.batch"]}', 'DISABLED'));
    assert.deepEqual(book.match(event).map((r) => r.record.Name).sort(), ['any-failed', 'batch', 'prefixed']);
    book.delete('batch');
    book.put(rule('s3', '{"source":["aws.batch"]}'));
    assert.deepEqual(book.match(event).map((r) => r.record.Name).sort(), ['any-failed', 'prefixed', 's3']);
    assert.deepEqual(book.match({ ...event, source: 'aws.s3' }).map((r) => r.record.Name).sort(), ['any-failed', 'prefixed']);
  });
});
