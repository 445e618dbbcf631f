/**
 * `localbatch run --interrupt-rate R`: rehearses Spot interruptions at random. Each attempt that
 * reaches RUNNING is interrupted with probability R, after a random delay of up to
 * MAX_DELAY_MS, through the emulator's interrupt endpoint (see src/client/interrupt.ts).
 */
export const MAX_DELAY_MS = 2_000;

export interface InterrupterPorts {
  interrupt(jobId: string): Promise<unknown>;
  random(): number;
  later(ms: number, fn: () => void): void;
  /** Told what was interrupted (for the run's output). */
  report(jobId: string, outcome: string): void;
}

export class RandomInterrupter {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly rate: number,
    private readonly ports: InterrupterPorts,
  ) {}

  /** An attempt of `jobId` is RUNNING. */
  onRunning(jobId: string): void {
    if (this.rate <= 0 || this.ports.random() >= this.rate) return;
    const delay = Math.floor(this.ports.random() * MAX_DELAY_MS);
    this.ports.later(delay, () => {
      const p = this.ports
        .interrupt(jobId)
        .then(
          () => this.ports.report(jobId, 'interrupted (simulated Spot interruption)'),
          // The attempt ended before the interruption: nothing to do.
          () => undefined,
        )
        .finally(() => this.pending.delete(p));
      this.pending.add(p);
    });
  }

  /** Waits for interruptions in flight. */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}

/** Parses `--interrupt-rate`: a probability in (0, 1]. */
export function parseRate(value: string | undefined): number {
  if (value === undefined) return 0;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1) throw new Error(`--interrupt-rate takes a probability above 0 and at most 1 (e.g. 0.2), not '${value}'`);
  return rate;
}
