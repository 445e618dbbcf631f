/** Rehearsed Spot interruptions through the emulator's `POST /localbatch/v1/interrupt`. */
import type { EmulatorEndpoint } from './endpoint';
import { postLocal } from './signed-http';

export const INTERRUPT_PATH = '/localbatch/v1/interrupt';

export interface InterruptResult {
  readonly jobId: string;
  readonly instanceId: string;
  readonly statusReason: string;
}

/** Kills a STARTING/RUNNING job's containers; its attempt fails with `Host EC2 (instance i-...) terminated.` */
export async function interruptJob(endpoint: EmulatorEndpoint, jobId: string): Promise<InterruptResult> {
  return (await postLocal(endpoint, INTERRUPT_PATH, { jobId })) as InterruptResult;
}
