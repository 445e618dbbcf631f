/**
 * How a state fails when a value it evaluates cannot be used, matched to histories recorded against
 * AWS (fake clock: FakeClock; the task runner is a function in the test): a JSONata Map's items that
 * are not a list, a JSONata result that is a function, an expression that throws, a Wait's timestamp
 * that is not an ISO-8601 offset date-time; and the timestamps the States Language takes.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { Execution } from '../../../../src/emulator/states/core/interpreter';
import { validateDefinition } from '../../../../src/emulator/states/core/validate';
import type { HistoryEventInput, StateMachineDef } from '../../../../src/emulator/states/core/types';
import { parseTimestamp } from '../../../../src/model/asl/timestamps';
import { EXECUTION_IDENTITY } from '../../../support/states-identity';

const identity = EXECUTION_IDENTITY;

interface Recorded { id: number; previousEventId: number; type: string; details?: Record<string, unknown> }

async function run(def: unknown, input: unknown) {
  const clock = new FakeClock();
  const events: Recorded[] = [];
  const ex = new Execution(def as StateMachineDef, input, identity, {
    clock,
    runTask: async () => 'ok',
    emit: (e: HistoryEventInput) => {
      events.push({ id: events.length + 1, previousEventId: e.previousEventId ?? events.length, type: e.type, details: e.details });
      return events.length;
    },
  });
  const done = ex.run();
  await clock.runAll();
  const result = (await done) as { status: string; error?: string; cause?: string };
  const failed = events.find((e) => e.type === 'EvaluationFailed')?.details?.evaluationFailedEventDetails as Record<string, unknown> | undefined;
  return { result, events, types: events.map((e) => e.type), failed, chain: events.map((e) => [e.id, e.previousEventId]) };
}

const proc = { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const entered = (state: string, id: number) => `An error occurred while executing the state '${state}' (entered at the event id #${id}). `;

describe('evaluation failures as AWS records them (unit)', () => {
  it("a JSONata Map's Items that are not a list: EvaluationFailed (location Items), MapStateFailed, ExecutionFailed", async () => {
    for (const [expr, kind, shown] of [['1', 'number', '1'], ["'string'", 'string', '"string"'], ['null', 'null', 'null'], ["{'foo': 'bar'}", 'object', '{"foo":"bar"}']]) {
      const r = await run({ QueryLanguage: 'JSONata', StartAt: 'M', States: { M: { Type: 'Map', Items: `{% ${expr} %}`, ItemProcessor: proc, End: true } } }, {});
      const cause = `${entered('M', 2)}The JSONata expression '${expr}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${kind}' for value: ${shown}`;
      assert.deepEqual(r.types, ['ExecutionStarted', 'MapStateEntered', 'EvaluationFailed', 'MapStateFailed', 'ExecutionFailed']);
      assert.deepEqual(r.failed, { error: 'States.QueryEvaluationError', cause, location: 'Items', state: 'M' });
      assert.deepEqual([r.result.error, r.result.cause], ['States.QueryEvaluationError', cause]);
      // EvaluationFailed follows the event before the state was entered; MapStateFailed follows it.
      assert.deepEqual(r.chain.slice(2, 4), [[3, 1], [4, 3]]);
    }
  });

  it('a JSONata result that is a function is an unsupported result type', async () => {
    const r = await run({ QueryLanguage: 'JSONata', StartAt: 'M', States: { M: { Type: 'Map', Items: '{% $fn := function($x){$x} %}', ItemProcessor: proc, End: true } } }, {});
    assert.equal(r.failed?.cause, `${entered('M', 2)}The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type.`);
    const pass = await run({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: { f: '{% function($x){$x} %}' }, End: true } } }, {});
    assert.deepEqual([pass.result.error, pass.failed?.location], ['States.QueryEvaluationError', 'Output/f']);
  });

  it("a JSONata Map's input that is not a list: 'Map state input must be an array', no location", async () => {
    const def = { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: '{% $states.input.items %}', Next: 'M' }, M: { Type: 'Map', ItemProcessor: proc, End: true } } };
    const r = await run(def, { items: { foo: 'bar' } });
    assert.deepEqual(r.types, ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'MapStateEntered', 'EvaluationFailed', 'MapStateFailed', 'ExecutionFailed']);
    assert.deepEqual(r.failed, { error: 'States.QueryEvaluationError', cause: `${entered('M', 4)}Map state input must be an array but was: {"foo":"bar"}`, state: 'M' });
    const ok = await run(def, { items: [1, 'two', true] });
    assert.equal(ok.result.status, 'SUCCEEDED');
  });

  it('an expression that throws names the field and the JSONata error code', async () => {
    const r = await run({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: { r: '{% $nofn(1) %}' }, End: true } } }, {});
    assert.deepEqual(r.failed, { error: 'States.QueryEvaluationError', cause: `${entered('P', 2)}The JSONata expression '$nofn(1)' specified for the field 'Output/r' threw an error during evaluation. T1006: Attempted to invoke a non-function`, location: 'Output/r', state: 'P' });
    assert.deepEqual(r.types, ['ExecutionStarted', 'PassStateEntered', 'EvaluationFailed', 'ExecutionFailed']);
  });

  it("a Wait's JSONata Timestamp that is not an offset date-time: EvaluationFailed after the entered event", async () => {
    for (const t of ['2016-12-05 21:29:29Z', '2016-12-05T21:29:29', '2016-13-05T21:29:29Z', '2016-12-05T25:29:29Z', '05-12-2016T21:29:29Z']) {
      const r = await run({ QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: '{% $states.input.t %}', End: true } } }, { t });
      const cause = `${entered('W', 2)}The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${t}`;
      assert.deepEqual(r.failed, { error: 'States.QueryEvaluationError', cause, location: 'Timestamp', state: 'W' }, t);
      assert.deepEqual(r.chain[2], [3, 2]);
    }
    const ok = await run({ QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: '{% $states.input.t %}', End: true } } }, { t: '2016-03-05T21:29:29.243167252Z' });
    assert.equal(ok.result.status, 'SUCCEEDED');
  });

  it("a TimestampPath's value that is not an offset date-time: States.Runtime naming the path, no EvaluationFailed", async () => {
    const r = await run({ StartAt: 'W', States: { W: { Type: 'Wait', TimestampPath: '$.TimestampValue', End: true } } }, { TimestampValue: '2016-12-05 21:29:29Z' });
    assert.deepEqual([r.result.error, r.result.cause], ['States.Runtime', `${entered('W', 2)}The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == 2016-12-05 21:29:29Z`]);
    assert.deepEqual(r.types, ['ExecutionStarted', 'WaitStateEntered', 'ExecutionFailed']);
  });

  it('refuses a literal Wait Timestamp that is not RFC 3339 (and a JSONata one in a JSONPath state) at create time', () => {
    const problems = (t: unknown, language?: string) => validateDefinition(JSON.stringify({ ...(language ? { QueryLanguage: language } : {}), StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: t, End: true } } }));
    for (const t of ['2016-12-05 21:29:29Z', '2016-12-05T21:29:29', '2016-13-05T21:29:29Z', '2016-12-05T25:29:29Z', '05-12-2016T21:29:29Z', "{% '2016-03-14T01:59:00Z' %}", 5]) {
      assert.deepEqual(problems(t).map((p) => [p.code, p.location]), [['SCHEMA_VALIDATION_FAILED', '/States/W/Timestamp']], String(t));
    }
    assert.deepEqual(problems('2016-03-14T01:59:00Z'), []);
    assert.deepEqual(problems('2016-03-05T21:29:29.243167252Z'), []);
    assert.deepEqual(problems("{% '2016-03-14T01:59:00Z' %}", 'JSONata'), []);
  });

  it("AWS's $range: a range of one is that number", async () => {
    const r = await run({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: { one: '{% $range(1, 9, 9) %}', more: '{% $range(1, 9, 4) %}' }, End: true } } }, {});
    assert.deepEqual((r.result as { output?: unknown }).output, { one: 1, more: [1, 5, 9] });
  });

  it('takes RFC 3339 date-times with an offset and a real calendar date only', () => {
    assert.equal(parseTimestamp('2016-03-14T01:59:00Z'), Date.UTC(2016, 2, 14, 1, 59));
    assert.equal(parseTimestamp('2016-03-14T01:59:00+02:00'), Date.UTC(2016, 2, 13, 23, 59));
    assert.equal(parseTimestamp('2016-02-29T00:00:00Z'), Date.UTC(2016, 1, 29));
    for (const bad of ['2015-02-29T00:00:00Z', '2016-02-30T00:00:00Z', '2016-04-31T00:00:00Z', '2016-12-05T23:60:00Z', '2016-12-05T23:00:60Z', '2016-12-05T10:00:00+19:00', '2016-12-05t10:00:00z', '', 20160101, null]) {
      assert.equal(parseTimestamp(bad), undefined, String(bad));
    }
  });
});
