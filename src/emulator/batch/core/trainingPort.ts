/** The port service jobs run their training through (runtime/training.ts in Docker; a fake in unit tests). */
import type { TrainingRequest } from './trainingRequest';

/** The label on a training job's containers: the service job's id. */
export const TRAINING_JOB_LABEL = 'localbatch.training-job';

/** What one attempt of a training job is given to run. */
export interface TrainingLaunch {
  readonly jobId: string;
  /** One-based. */
  readonly attempt: number;
  readonly trainingJobArn: string;
  readonly request: TrainingRequest;
}

export interface TrainingOutcome {
  readonly succeeded: boolean;
  /** SageMaker's FailureReason (e.g. `AlgorithmError: <the failure file>`), when it failed. */
  readonly failureReason?: string;
}

export interface RunningTraining {
  /** Settles once every host has exited and the output is packed. Never rejects. */
  readonly finished: Promise<TrainingOutcome>;
  /** Stops the hosts (SIGTERM then SIGKILL); `finished` settles afterwards. */
  stop(): void;
}

/** Runs training jobs (Docker in the emulator; a fake in unit tests). */
export interface TrainingRunner {
  /** Starts downloading (STARTING); `running` is called once the algorithm's containers run. */
  run(launch: TrainingLaunch, running: () => void): RunningTraining;
  /**
   * After a restart: follows the attempt's containers again (running or exited while the emulator
   * was down) to their end and its output; undefined when they are gone.
   */
  reattach?(launch: TrainingLaunch): Promise<RunningTraining | undefined>;
}
