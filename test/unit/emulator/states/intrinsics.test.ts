/** Intrinsic functions against the input → output examples of AWS's "Intrinsic functions" page. */
import assert from 'node:assert/strict';
import { evaluateIntrinsic } from '../../../../src/emulator/states/core/intrinsics';
import { StatesError } from '../../../../src/emulator/states/core/errors';

const run = (expr: string, input: unknown, options = {}) => evaluateIntrinsic(expr, { input, context: {} }, options);

describe('Step Functions intrinsic functions (AWS documented examples)', () => {
  it('States.Format', () => {
    assert.equal(run("States.Format('Hello, my name is {}.', $.name)", { name: 'Arnav' }), 'Hello, my name is Arnav.');
    assert.equal(run("States.Format('{} and \\\\{literal\\\\} {}', $.a, $.b)", { a: 1, b: true }), '1 and {literal} true');
    // Objects and lists as AWS writes them (its recorded histories), null as null.
    assert.equal(run("States.Format('fst={} and snd={}.', $.o, $.n)", { o: { Arg1: 1, Arg2: [], s: 'x', l: ['a', 2, null] }, n: null }), 'fst={Arg1=1, Arg2=[], s=x, l=[a, 2, null]} and snd=null.');
  });
  it('States.StringToJson and States.JsonToString', () => {
    assert.deepEqual(run('States.StringToJson($.escapedJsonString)', { escapedJsonString: '{"foo": "bar"}' }), { foo: 'bar' });
    assert.equal(run('States.JsonToString($.unescapedJson)', { unescapedJson: { foo: 'bar' } }), '{"foo":"bar"}');
  });
  it('States.Array', () => {
    assert.deepEqual(run('States.Array($.Id)', { Id: 123456 }), [123456]);
  });
  it('States.ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique', () => {
    const input = { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5, index: 5 };
    assert.deepEqual(run('States.ArrayPartition($.inputArray,4)', input), [[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    assert.equal(run('States.ArrayContains($.inputArray, $.lookingFor)', input), true);
    assert.equal(run('States.ArrayContains($.inputArray, 10)', input), false);
    assert.deepEqual(run('States.ArrayRange(1, 9, 2)', {}), [1, 3, 5, 7, 9]);
    assert.equal(run('States.ArrayGetItem($.inputArray, $.index)', input), 6);
    assert.equal(run('States.ArrayLength($.inputArray)', input), 9);
    assert.deepEqual(run('States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }), [1, 2, 3, 4]);
  });
  it('States.Base64Encode and Base64Decode', () => {
    assert.equal(run('States.Base64Encode($.input)', { input: 'Data to encode' }), 'RGF0YSB0byBlbmNvZGU=');
    assert.equal(run('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' }), 'Data to encode');
  });
  it('States.Hash', () => {
    assert.equal(run('States.Hash($.Data, $.Algorithm)', { Data: 'input data', Algorithm: 'SHA-1' }), 'aaff4a450a104cd177d28d18d74485e8cae074b7');
  });
  it('States.JsonMerge (shallow)', () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };
    assert.deepEqual(run('States.JsonMerge($.json1, $.json2, false)', input), { a: { a3: 1, a4: 2 }, b: 2, c: 3 });
  });
  it('States.MathRandom, States.MathAdd', () => {
    assert.equal(run('States.MathRandom($.start, $.end)', { start: 1, end: 999 }, { random: () => 0.5 }), 500);
    assert.equal(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 }), 110);
    // AWS rounds each argument, halves up (its recorded histories)
    const add = (x: number, y: number) => run('States.MathAdd($.x, $.y)', { x, y });
    assert.deepEqual([add(1.49, 1.5), add(1.5, 1.51), add(-1.49, -1.5), add(-1.5, -1.51), add(-0.5, 0.5), add(-0.5, 0), add(2.5, 0), add(-2.5, 0)], [3, 4, -2, -3, 1, 0, 3, -2]);
    assert.equal(run('States.MathRandom($.start, $.end)', { start: 12.5, end: 44.51 }, { random: () => 0 }), 13);
  });
  it('States.StringToJson of a blank string is null', () => {
    assert.equal(run('States.StringToJson($.s)', { s: '' }), null);
    assert.equal(run('States.StringToJson($.s)', { s: ' ' }), null);
    assert.equal(JSON.stringify(run('States.StringToJson($.s)', { s: '-0' })), '0');
  });
  it('States.StringSplit', () => {
    assert.deepEqual(run('States.StringSplit($.inputString, $.splitter)', { inputString: '1,2,3,4,5', splitter: ',' }), ['1', '2', '3', '4', '5']);
    assert.deepEqual(run('States.StringSplit($.inputString, $.splitter)', { inputString: 'This.is+a,test=string', splitter: '.+,=' }), ['This', 'is', 'a', 'test', 'string']);
  });
  it('States.UUID', () => {
    assert.match(String(run('States.UUID()', {})), /^[0-9a-f-]{36}$/);
  });
  it('nested calls (the documented nested ARN example, with as many {} as arguments)', () => {
    const expr =
      "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    assert.equal(run(expr, { ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/test-recipe/1.0.0' } }), '1.0');
  });
  it('fails with States.IntrinsicFailure on bad arguments', () => {
    assert.throws(() => run('States.ArrayGetItem($.a, 3)', { a: [1] }), (e: unknown) => e instanceof StatesError && e.error === 'States.IntrinsicFailure');
    assert.throws(() => run('States.Hash($.a, \'SHA-3\')', { a: 'x' }), (e: unknown) => e instanceof StatesError && e.error === 'States.IntrinsicFailure');
    assert.throws(() => run('States.ArrayLength($.a, $.a)', { a: [] }), /takes 1 argument/);
  });
});
