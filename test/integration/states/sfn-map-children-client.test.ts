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
    const runs = await mapRunRows(sfn, executionArn!);
    assert.deepEqual(runs.map((r) => [r.state, r.status, r.progress, r.children]), [
      ['First', 'SUCCEEDED', '5/5 items, 2 failed', 5],
      ['Second', 'SUCCEEDED', '1/1 items', 1],
    ]);
    const children = await childRows(sfn, runs[0].mapRunArn);
    assert.deepEqual(children.slice(0, 2).map((c) => [c.status, c.error, c.cause]), [['FAILED', 'TooBig', 'over five'], ['FAILED', 'TooBig', 'over five']]);
    assert.deepEqual(children.slice(0, 2).map((c) => c.input).sort(), ['7', '9']);
    assert.deepEqual(children.slice(2).map((c) => [c.status, c.error]), [['SUCCEEDED', undefined], ['SUCCEEDED', undefined], ['SUCCEEDED', undefined]]);
    assert.deepEqual(children.slice(2).map((c) => c.input).sort(), ['1', '2', '3']);
    assert.equal(inputLine(JSON.stringify({ id: 'x'.repeat(100) }), 20), '{"id":"xxxxxxxxxxxx…');
    // Children described once they ended are not described again (a redraw while an execution runs).
    const ended = new Map<string, (typeof children)[number]>();
    described = 0;
    await childRows(sfn, runs[0].mapRunArn, ended);
    assert.deepEqual([described, ended.size], [5, 5]);
    assert.deepEqual(await childRows(sfn, runs[0].mapRunArn, ended), children);
    assert.equal(described, 5, 'none described again');
  });
});
