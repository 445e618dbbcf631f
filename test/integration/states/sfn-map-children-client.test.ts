/**
 * What the Local view shows of a distributed Map (src/client/map-run-children.ts), through
 * @aws-sdk/client-sfn against the served emulator: an execution's map runs with their progress,
 * and a map run's children with their inputs and errors, the failed ones first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { childRows, inputLine, mapRunRows } from '../../../src/client/map-run-children';
import { LocalService } from '../../../src/emulator/service';

const ROLE = 'arn:aws:iam::123456789012:role/sfn';

describe('A distributed Map\'s runs and children for a list (client-sfn, served emulator)', function () {
  this.timeout(60_000);
  let dir: string;
  let service: LocalService;
  let sfn: SFNClient;
  /** DescribeExecution calls made. */
  let described = 0;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-children-'));
    service = await LocalService.start({ stateDir: path.join(dir, '.localbatch'), workspaceRoot: dir, log: () => undefined });
    sfn = new SFNClient({ endpoint: service.endpoint.url, region: service.endpoint.region, credentials: service.endpoint.credentials, maxAttempts: 1 });
    sfn.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'DescribeExecutionCommand') described++;
      return next(args);
    }, { step: 'initialize' });
  });
  after(async () => {
    sfn?.destroy();
    await service?.close({ terminateAll: true, graceMs: 1000 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists two map runs in the order they ran, and each one\'s children: failed first, with input and error', async () => {
    const processor = { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$', NumericGreaterThan: 5, Next: 'Big' }], Default: 'Ok' }, Big: { Type: 'Fail', Error: 'TooBig', Cause: 'over five' }, Ok: { Type: 'Pass', End: true } } };
    const definition = {
      StartAt: 'First',
      States: {
        First: { Type: 'Map', ItemsPath: '$.a', ToleratedFailurePercentage: 100, ItemProcessor: processor, ResultPath: null, Next: 'Second' },
        Second: { Type: 'Map', ItemsPath: '$.b', ItemProcessor: processor, End: true },
      },
    };
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'two-maps', roleArn: ROLE, definition: JSON.stringify(definition) }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ a: [1, 7, 2, 9, 3], b: [4] }) }));
    for (let i = 0; (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING'; i++) {
      assert.ok(i < 200, 'the execution ends');
      await new Promise((r) => setTimeout(r, 50));
    }
    const { rows: runs, total } = await mapRunRows(sfn, executionArn!);
    assert.equal(total, 2);
    assert.deepEqual(runs.map((r) => [r.state, r.status, r.progress, r.counts?.total]), [
      ['First', 'SUCCEEDED', '5/5 items, 2 failed', 5],
      ['Second', 'SUCCEEDED', '1/1 items', 1],
    ]);
    const children = await childRows(sfn, runs[0].mapRunArn, { counts: runs[0].counts });
    assert.deepEqual(children.slice(0, 2).map((c) => [c.status, c.error, c.cause]), [['FAILED', 'TooBig', 'over five'], ['FAILED', 'TooBig', 'over five']]);
    assert.deepEqual(children.slice(0, 2).map((c) => c.input).sort(), ['7', '9']);
    assert.deepEqual(children.slice(2).map((c) => [c.status, c.error]), [['SUCCEEDED', undefined], ['SUCCEEDED', undefined], ['SUCCEEDED', undefined]]);
    assert.deepEqual(children.slice(2).map((c) => c.input).sort(), ['1', '2', '3']);
    assert.equal(inputLine(JSON.stringify({ id: 'x'.repeat(100) }), 20), '{"id":"xxxxxxxxxxxx…');
    // Children described before are not described again while their status stays (a redraw while an execution runs).
    const known = new Map<string, (typeof children)[number]>();
    described = 0;
    await childRows(sfn, runs[0].mapRunArn, { known });
    assert.deepEqual([described, known.size], [5, 5]);
    assert.deepEqual(await childRows(sfn, runs[0].mapRunArn, { known }), children);
    assert.equal(described, 5, 'none described again');
    // Only the failed ones, at most two (what `localbatch run` names at the end).
    assert.deepEqual((await childRows(sfn, runs[0].mapRunArn, { statuses: ['FAILED', 'TIMED_OUT'], limit: 2 })).map((c) => c.status), ['FAILED', 'FAILED']);
  });

  it('finds a failed child among more than a page of children (the newest 100 all succeeded)', async () => {
    // One at a time: item 0 waits a second, then fails; the other 149 start after it, so they are all newer.
    const processor = { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 0, Next: 'Hold' }], Default: 'Ok' }, Hold: { Type: 'Wait', Seconds: 1, Next: 'Bad' }, Bad: { Type: 'Fail', Error: 'First', Cause: 'item 0' }, Ok: { Type: 'Pass', End: true } } };
    const definition = { StartAt: 'Many', States: { Many: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 1, ToleratedFailureCount: 1, ItemProcessor: processor, End: true } } };
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'many', roleArn: ROLE, definition: JSON.stringify(definition) }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ items: Array.from({ length: 150 }, (_, i) => i) }) }));
    for (let i = 0; (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING'; i++) {
      assert.ok(i < 400, 'the execution ends');
      await new Promise((r) => setTimeout(r, 50));
    }
    const { rows: [run] } = await mapRunRows(sfn, executionArn!);
    const rows = await childRows(sfn, run.mapRunArn, { counts: run.counts });
    assert.equal(rows.length, 100);
    assert.deepEqual([rows[0].status, rows[0].input, rows[0].error], ['FAILED', '0', 'First']);
    assert.ok(rows.slice(1).every((c) => c.status === 'SUCCEEDED'));
  });
});
