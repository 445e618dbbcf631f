import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { runtimeConformance } from '../../../support/runtime-conformance';

describe('ScriptedRuntime (unit)', () => {
  runtimeConformance('ScriptedRuntime', async (logs) => {
    const clock = new FakeClock();
    return { runtime: new ScriptedRuntime({ clock, logs }), image: 'localbatch-busybox:latest', elapse: (ms) => clock.advance(ms) };
  });
});
