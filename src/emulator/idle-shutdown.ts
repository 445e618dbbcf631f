/**
 * When a background emulator may stop by itself (`localbatch serve --idle-shutdown SECONDS`, which the
 * VS Code extension passes for the emulator it starts): once, for the whole wait, no client has held
 * the live event stream open (an editor window holds one while it is open: that is how a window
 * "attaches"), no job has been unfinished and no API request has come. A window reload drops its
 * stream for a moment and opens a new one, far within the wait. Build daemons (Gradle's, Bazel's) stop
 * the same way. Pure: it takes a clock, so the fake clock tests it.
 */
import type { Clock, TimerHandle } from './batch/core/ports';
import type { BatchEvent, EventSource } from './edge/events';

export interface IdleProbe {
  /** Clients holding the event stream open now. */
  attached(): number;
  /** True while some job is unfinished (submitted, queued or running). */
  busy(): boolean;
}

export interface IdleShutdownOptions {
  readonly clock: Clock;
  /** How long the emulator must be idle before it stops; 0 or less never stops it. */
  readonly idleMs: number;
  readonly probe: IdleProbe;
  /** Called once, when the wait has passed idle. */
  readonly onIdle: () => void;
}

/** How often the probe is read: often enough to stop within a quarter of the wait (at most 5 s late). */
export function checkInterval(idleMs: number): number {
  return Math.max(50, Math.min(5000, Math.floor(idleMs / 4)));
}

export class IdleShutdown {
  private lastActive: number;
  private timer: TimerHandle | undefined;
  private fired = false;

  constructor(private readonly o: IdleShutdownOptions) {
    this.lastActive = o.clock.now();
    if (o.idleMs > 0) this.arm();
  }

  /** Something happened (an API request): the wait starts again. */
  touch(): void {
    this.lastActive = this.o.clock.now();
  }

  /** Milliseconds the emulator has been idle (0 while attached or busy). */
  idleFor(): number {
    return this.o.clock.now() - this.lastActive;
  }

  stop(): void {
    if (this.timer) this.o.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = this.o.clock.setTimer(checkInterval(this.o.idleMs), () => this.check());
  }

  private check(): void {
    this.timer = undefined;
    if (this.fired) return;
    if (this.o.probe.attached() > 0 || this.o.probe.busy()) this.touch();
    if (this.idleFor() >= this.o.idleMs) {
      this.fired = true;
      this.o.onIdle();
      return;
    }
    this.arm();
  }
}

/** An event source that counts its subscribers (the clients holding the event stream open). */
export class CountedEventSource implements EventSource {
  private count = 0;

  constructor(private readonly source: EventSource) {}

  get subscribers(): number {
    return this.count;
  }

  subscribe(listener: (event: BatchEvent) => void): () => void {
    const unsubscribe = this.source.subscribe(listener);
    this.count++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.count--;
      unsubscribe();
    };
  }
}
