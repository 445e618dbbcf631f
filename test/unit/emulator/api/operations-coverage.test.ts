import assert from 'node:assert/strict';
import * as sdk from '@aws-sdk/client-batch';
import { batchHandlers } from '../../../../src/emulator/batch/api';
import { ROUTES, type OperationName } from '../../../../src/emulator/batch/api/routes';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';

/**
 * The operations of the service model that `@aws-sdk/client-batch` ships, read from its operation
 * schemas (exported as `<Operation>$ = [9, namespace, name, { http: [method, uri, code] }, ...]`), so
 * a newer SDK that adds an operation makes these tests fail until localbatch answers it.
 */
function sdkOperations(): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const [key, value] of Object.entries(sdk)) {
    if (!key.endsWith('$') || !Array.isArray(value) || value[0] !== 9) continue;
    const traits = value[3] as { http?: [string, string, number] } | undefined;
    assert.ok(traits?.http, `operation schema ${key} has no http trait`);
    out.push([String(value[2]), traits.http[0], traits.http[1]]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('Every operation of the SDK model answers (unit)', () => {
  const operations = sdkOperations();

  it('reads the operations of the model @aws-sdk/client-batch ships (48 or more)', () => {
    assert.ok(operations.length >= 48, `only ${operations.length} operations read from the SDK`);
    assert.ok(operations.some(([n]) => n === 'SubmitServiceJob'));
    // Each operation also has its Command class: the schemas read are the operations.
    for (const [name] of operations) assert.equal(typeof (sdk as Record<string, unknown>)[`${name}Command`], 'function', name);
  });

  it('routes each one with the method and URI of the model', () => {
    const ours = ROUTES.map((r) => [r.operation, r.method, r.requestUri]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    assert.deepEqual(ours, operations);
  });

  it('has a handler for each one (none answers "not implemented")', () => {
    const clock = new FakeClock();
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }) });
    const handlers = batchHandlers(engine);
    const missing = operations.map(([n]) => n).filter((n) => typeof handlers[n as OperationName] !== 'function');
    assert.deepEqual(missing, []);
  });
});
