/**
 * A distributed Map's ItemReader parsing (JSON, JSONL, CSV with headers from the first row or given,
 * delimiters, MaxItems, listing entries) and its ResultWriter export (result files and manifest.json
 * in AWS's shapes), pure; then the interpreter's Map with a ResultWriter through a recording
 * writeResults port (a fake, named so) on a fake clock.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { StatesError } from '../../../../src/emulator/states/core/errors';
import { Execution, type Outcome } from '../../../../src/emulator/states/core/interpreter';
import { mapRunIdentity, resultExport, transformResults } from '../../../../src/emulator/states/core/map-results';
import type { MapRunReport, StateMachineDef } from '../../../../src/emulator/states/core/types';
import { listedItem, parseCsv, parseItems } from '../../../../src/emulator/states/tasks/item-reader';
import { sdkErrorName, type LocalAws } from '../../../../src/emulator/states/tasks/local-aws';
import { runLocalServiceTask } from '../../../../src/emulator/states/tasks/services';

const fails = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof StatesError && e.error === 'States.ItemReaderFailed' && pattern.test(e.cause));

describe('distributed Map ItemReader parsing', () => {
  it('JSON: the object is an array; anything else says to use JSONL', () => {
    assert.deepEqual(parseItems('[{"a":1},2,"x"]', { InputType: 'JSON' }), [{ a: 1 }, 2, 'x']);
    assert.deepEqual(parseItems('\uFEFF[1]'), [1]);
    fails(() => parseItems('{"a":1}', { InputType: 'JSON' }), /JSON array/);
    fails(() => parseItems('[1,', { InputType: 'JSON' }), /not valid JSON/);
  });

  it('JSONL: one value a line, blank lines skipped, the bad line named', () => {
    assert.deepEqual(parseItems('{"a":1}\r\n\n[2]\n"s"\n', { InputType: 'JSONL' }), [{ a: 1 }, [2], 's']);
    fails(() => parseItems('1\n{oops\n', { InputType: 'JSONL' }), /Line 2/);
  });

  it('CSV with the first row as headers: every value a string, quotes, embedded commas and newlines', () => {
    const csv = 'id,name,note\n1,"Smith, J","said ""hi""\nand left"\n2,Lee,\n';
    assert.deepEqual(parseItems(csv, { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }), [
      { id: '1', name: 'Smith, J', note: 'said "hi"\nand left' },
      { id: '2', name: 'Lee', note: '' },
    ]);
    // A short row gets empty strings; a row longer than the headers is an error.
    assert.deepEqual(parseItems('a,b\n1\n', { InputType: 'CSV' }), [{ a: '1', b: '' }]);
    fails(() => parseItems('a\n1,2\n', { InputType: 'CSV' }), /2 fields but there are 1 headers/);
    fails(() => parseItems('a\n"1\n', { InputType: 'CSV' }), /closing "/);
  });

  it('CSV with GIVEN headers reads every row as data; other delimiters', () => {
    assert.deepEqual(parseItems('1;x\n2;y', { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['n', 'v'], CSVDelimiter: 'SEMICOLON' }), [
      { n: '1', v: 'x' },
      { n: '2', v: 'y' },
    ]);
    assert.deepEqual(parseCsv('a\tb\r\nc\td', '\t'), [
      ['a', 'b'],
      ['c', 'd'],
    ]);
    fails(() => parseItems('1', { InputType: 'CSV', CSVHeaderLocation: 'GIVEN' }), /CSVHeaders/);
    fails(() => parseItems('1', { InputType: 'PARQUET' }), /JSON, JSONL or CSV/);
  });

  it('MaxItems keeps the first items (0 or absent: all)', () => {
    assert.deepEqual(parseItems('[1,2,3,4]', { MaxItems: 2 }), [1, 2]);
    assert.deepEqual(parseItems('a\n1\n2\n3\n', { InputType: 'CSV', MaxItems: 1 }), [{ a: '1' }]);
    assert.deepEqual(parseItems('[1,2]', { MaxItems: 0 }), [1, 2]);
    fails(() => parseItems('[1]', { MaxItems: -1 }), /MaxItems/);
  });

  it('a listObjectsV2 entry: Etag, Key, LastModified (epoch seconds), Size, StorageClass', () => {
    assert.deepEqual(listedItem({ Key: 'in/a.csv', Size: 12, ETag: '"abc"', LastModified: new Date('2026-01-01T00:00:01.500Z'), StorageClass: 'STANDARD' }), {
      Etag: '"abc"',
      Key: 'in/a.csv',
      LastModified: 1767225601,
      Size: 12,
      StorageClass: 'STANDARD',
    });
  });

  it("names SDK errors as Step Functions does: <Service>.<Name> with an Exception suffix", () => {
    assert.equal(sdkErrorName('S3', { name: 'NoSuchKey' }), 'S3.NoSuchKeyException');
    assert.equal(sdkErrorName('Sns', { name: 'NotFoundException' }), 'Sns.NotFoundException');
  });
});

const run: MapRunReport = {
  ...mapRunIdentity('arn:aws:states:us-east-1:123456789012:stateMachine:csvProcess', 'Map', 'run-1'),
  children: [
    { index: 0, name: 'c0', status: 'SUCCEEDED', input: { a: 1 }, output: [1, 2], startDate: '2026-01-01T00:00:00.000Z', stopDate: '2026-01-01T00:00:01.000Z' },
    { index: 1, name: 'c1', status: 'FAILED', input: { a: 2 }, error: 'Boom', cause: 'it broke', startDate: '2026-01-01T00:00:00.000Z', stopDate: '2026-01-01T00:00:02.000Z' },
  ],
};

describe('distributed Map ResultWriter export', () => {
  it('ARNs of the map run and its children as AWS writes them', () => {
    assert.equal(run.mapRunArn, 'arn:aws:states:us-east-1:123456789012:mapRun:csvProcess/Map:run-1');
    assert.equal(run.stateMachineArn, 'arn:aws:states:us-east-1:123456789012:stateMachine:csvProcess/Map:run-1');
    assert.equal(run.executionArnPrefix, 'arn:aws:states:us-east-1:123456789012:execution:csvProcess/Map:run-1');
  });

  it('writes SUCCEEDED_0.json and FAILED_0.json under <Prefix>/<run id>/, then manifest.json listing them with sizes', () => {
    const out = resultExport(run, 'out-bucket', 'jobs/');
    assert.deepEqual(
      out.objects.map((o) => o.key),
      ['jobs/run-1/SUCCEEDED_0.json', 'jobs/run-1/FAILED_0.json', 'jobs/run-1/manifest.json'],
    );
    assert.deepEqual(out.details, { Bucket: 'out-bucket', Key: 'jobs/run-1/manifest.json' });
    const [succeeded, failed, manifest] = out.objects.map((o) => JSON.parse(o.body) as unknown);
    assert.deepEqual(succeeded, [
      {
        ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:csvProcess/Map:run-1:c0',
        Input: '{"a":1}',
        InputDetails: { Included: true },
        Name: 'c0',
        Output: '[1,2]',
        OutputDetails: { Included: true },
        RedriveCount: 0,
        RedriveStatus: 'NOT_REDRIVABLE',
        RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
        StartDate: '2026-01-01T00:00:00.000Z',
        StateMachineArn: run.stateMachineArn,
        Status: 'SUCCEEDED',
        StopDate: '2026-01-01T00:00:01.000Z',
      },
    ]);
    assert.deepEqual((failed as Array<Record<string, unknown>>).map((f) => [f.Status, f.Error, f.Cause, f.Output]), [['FAILED', 'Boom', 'it broke', undefined]]);
    assert.deepEqual(manifest, {
      DestinationBucket: 'out-bucket',
      MapRunArn: run.mapRunArn,
      ResultFiles: {
        FAILED: [{ Key: 'jobs/run-1/FAILED_0.json', Size: Buffer.byteLength(out.objects[1].body) }],
        PENDING: [],
        SUCCEEDED: [{ Key: 'jobs/run-1/SUCCEEDED_0.json', Size: Buffer.byteLength(out.objects[0].body) }],
      },
    });
  });

  it('no Prefix: under <run id>/; an empty status has no file; WriterConfig FLATTEN and JSONL', () => {
    const only = { ...run, children: [run.children[0]] };
    const out = resultExport(only, 'b', '', { Transformation: 'FLATTEN', OutputType: 'JSONL' });
    assert.deepEqual(
      out.objects.map((o) => o.key),
      ['run-1/SUCCEEDED_0.json', 'run-1/manifest.json'],
    );
    assert.equal(out.objects[0].body, '1\n2\n');
    assert.deepEqual(transformResults('COMPACT', run, [[1, 2], 3]), [[1, 2], 3]);
    assert.deepEqual(transformResults('FLATTEN', run, [[1, 2], 3]), [1, 2, 3]);
    assert.equal((transformResults('NONE', run, []) as Array<Record<string, unknown>>)[1].Status, 'FAILED');
  });
});

describe('interpreter: a distributed Map with an ItemReader and a ResultWriter (fake ports)', () => {
  const def: StateMachineDef = {
    StartAt: 'Map',
    States: {
      Map: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, Parameters: { Bucket: 'in', 'Key.$': '$.key' } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::x:y', End: true } } },
        ToleratedFailureCount: 1,
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', 'Prefix.$': '$.prefix' } },
        End: true,
      },
    },
  };

  it('reads the items through readItems, then hands the run (children in index order) to writeResults; the output is MapRunArn + ResultWriterDetails', async () => {
    const clock = new FakeClock();
    const reads: unknown[] = [];
    const writes: Array<{ params: unknown; run: MapRunReport }> = [];
    const ex = new Execution(
      def,
      { key: 'rows.csv', prefix: 'res' },
      { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:e', name: 'e', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm', stateMachineName: 'sm', roleArn: 'r', startTime: '2026-01-01T00:00:00.000Z' },
      {
        clock,
        uuid: () => 'u',
        runTask: async (inv) => {
          const p = inv.parameters as { id: string };
          if (p.id === '2') throw new StatesError('Bad', 'row 2');
          return Number(p.id) * 10;
        },
        readItems: async (reader, params) => {
          reads.push(params);
          return parseItems('id\n1\n2\n3\n', reader.ReaderConfig);
        },
        writeResults: async (_w, params, r) => {
          writes.push({ params, run: r });
          return { Bucket: 'out', Key: `res/${r.id}/manifest.json` };
        },
      },
    );
    const done = ex.run();
    await clock.runAll();
    const outcome: Outcome = await done;
    assert.equal(outcome.status, 'SUCCEEDED', JSON.stringify(outcome));
    assert.deepEqual(reads, [{ Bucket: 'in', Key: 'rows.csv' }]);
    assert.deepEqual((outcome as { output: unknown }).output, { MapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:sm/Map:u', ResultWriterDetails: { Bucket: 'out', Key: 'res/u/manifest.json' } });
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0].params, { Bucket: 'out', Prefix: 'res' });
    assert.deepEqual(
      writes[0].run.children.map((c) => [c.index, c.status, c.output, c.error]),
      [
        [0, 'SUCCEEDED', 10, undefined],
        [1, 'FAILED', undefined, 'Bad'],
        [2, 'SUCCEEDED', 30, undefined],
      ],
    );
  });

  it('ReaderConfig.MaxItemsPath and a JSONata MaxItems reach the reader as a number; JSONata Arguments are evaluated', async () => {
    const seen: unknown[] = [];
    const runWith = async (d: StateMachineDef, input: unknown) => {
      const clock = new FakeClock();
      const ex = new Execution(d, input, { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:e', name: 'e', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm', stateMachineName: 'sm', roleArn: 'r', startTime: '2026-01-01T00:00:00.000Z' }, {
        clock,
        runTask: async (i) => i.parameters,
        readItems: async (reader, params) => {
          seen.push([reader.ReaderConfig, params]);
          return parseItems('[1,2,3]', reader.ReaderConfig);
        },
      });
      const done = ex.run();
      await clock.runAll();
      return done;
    };
    const processor = { ProcessorConfig: { Mode: 'DISTRIBUTED' as const }, StartAt: 'P', States: { P: { Type: 'Pass' as const, End: true } } };
    const a = await runWith({ StartAt: 'M', States: { M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON', MaxItemsPath: '$.max' }, Parameters: { Bucket: 'b', Key: 'k' } }, ItemProcessor: processor, End: true } } }, { max: 2 });
    assert.deepEqual((a as { output: unknown }).output, [1, 2]);
    const b = await runWith({ QueryLanguage: 'JSONata', StartAt: 'M', States: { M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON', MaxItems: '{% $states.input.max %}' }, Arguments: { Bucket: 'b', Key: '{% $states.input.key %}' } }, ItemProcessor: processor, End: true } } }, { max: 1, key: 'k.json' });
    assert.deepEqual((b as { output: unknown }).output, [1]);
    assert.deepEqual(seen, [
      [{ InputType: 'JSON', MaxItems: 2 }, { Bucket: 'b', Key: 'k' }],
      [{ InputType: 'JSON', MaxItems: 1 }, { Bucket: 'b', Key: 'k.json' }],
    ]);
  });

  it('a map run over its tolerated failures still exports its children (failed ones included) and fails with States.ExceedToleratedFailureThreshold', async () => {
    const clock = new FakeClock();
    const writes: MapRunReport[] = [];
    const failing: StateMachineDef = { ...def, States: { Map: { ...def.States.Map, ToleratedFailureCount: 0, MaxConcurrency: 1 } } };
    const ex = new Execution(failing, { key: 'k', prefix: 'p' }, { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:e', name: 'e', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm', stateMachineName: 'sm', roleArn: 'r', startTime: '2026-01-01T00:00:00.000Z' }, {
      clock,
      runTask: async (inv) => {
        if ((inv.parameters as { id: string }).id === '2') throw new StatesError('Bad', 'row 2');
        return 1;
      },
      readItems: async (reader) => parseItems('id\n1\n2\n3\n', reader.ReaderConfig),
      writeResults: async (_w, _p, r) => {
        writes.push(r);
        return {};
      },
    });
    const done = ex.run();
    await clock.runAll();
    const outcome = await done;
    assert.equal(outcome.status, 'FAILED');
    assert.equal((outcome as { error: string }).error, 'States.ExceedToleratedFailureThreshold');
    assert.equal(writes.length, 1);
    assert.deepEqual(
      writes[0].children.map((c) => [c.index, c.status, c.error]),
      [
        [0, 'SUCCEEDED', undefined],
        [1, 'FAILED', 'Bad'],
      ],
    );
  });
});

describe('local service tasks (a recording LocalAws fake)', () => {
  it('putEvents is sent once per state entry: a replay gets the remembered result', async () => {
    const sent: unknown[] = [];
    const aws = { putEvents: async (p: unknown) => (sent.push(p), { Entries: [{ EventId: `e${sent.length}` }], FailedEntryCount: 0 }) } as unknown as LocalAws;
    const store = new Map<string, string>();
    const memory = { get: (k: string) => store.get(k), set: (k: string, v: string) => void store.set(k, v) };
    const inv = { resource: 'arn:aws:states:::events:putEvents', parameters: { Entries: [{ Source: 's' }] }, stateName: 'Emit', key: 'k', signal: new AbortController().signal, executionArn: 'arn', submitted: () => undefined };
    const first = await runLocalServiceTask(inv, aws, memory);
    const again = await runLocalServiceTask(inv, aws, memory);
    assert.deepEqual(first, { Entries: [{ EventId: 'e1' }], FailedEntryCount: 0 });
    assert.deepEqual(again, first);
    assert.equal(sent.length, 1);
  });
});
