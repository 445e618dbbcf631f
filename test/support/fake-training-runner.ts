/**
 * A fake of the SageMaker training runner (named so: it only waits fake time): each training reports
 * RUNNING after `runningMs` (default 1) and ends after `ms` with the scripted outcome; stop() ends it
 * 1 ms later as Stopped. Records what it launched and stopped.
 */
import type { RunningTraining, TrainingLaunch, TrainingOutcome, TrainingRunner } from '../../src/emulator/batch/core/serviceJobs';
import type { FakeClock } from '../../src/emulator/clock/testing/fakeClock';

export interface TrainingScript {
  readonly ms: number;
  readonly outcome: TrainingOutcome;
  readonly runningMs?: number;
}

export class FakeTrainingRunner implements TrainingRunner {
  readonly launched: TrainingLaunch[] = [];
  readonly stopped: string[] = [];
  constructor(
    private readonly clock: FakeClock,
    private readonly script: (l: TrainingLaunch) => TrainingScript,
  ) {}
  run(launch: TrainingLaunch, running: () => void): RunningTraining {
    this.launched.push(launch);
    const { ms, outcome, runningMs = 1 } = this.script(launch);
    let done!: (o: TrainingOutcome) => void;
    const finished = new Promise<TrainingOutcome>((r) => (done = r));
    this.clock.setTimer(runningMs, running);
    const t = this.clock.setTimer(ms, () => done(outcome));
    return {
      finished,
      stop: () => {
        this.stopped.push(launch.jobId);
        this.clock.clearTimer(t);
        this.clock.setTimer(1, () => done({ succeeded: false, failureReason: 'Stopped' }));
      },
    };
  }
}
