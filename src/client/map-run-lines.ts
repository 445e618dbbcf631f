/**
 * The state machine graph's map run lines: for each distributed Map node, its latest map run's
 * progress in short ("5/8 items, 1 failed, 2 running"), asked for through a MapRunWatch (through
 * the SFN client of the moment). A Map entered again (a loop) starts another map run: its
 * line is '' (none known) until that run is described, and an earlier run still answering never
 * shows over it.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { mapRunProgressShort } from '../model/map-run-text';
import { MapRunWatch } from './map-run-watch';

export class MapRunLines {
  private watch: MapRunWatch | undefined;
  private readonly nodeOfRun = new Map<string, string>();
  private readonly latestRun = new Map<string, string>();
  private readonly lines = new Map<string, string>();

  constructor(private readonly everyMs = 1000) {}

  /** A node's line: undefined for a node that started no map run. */
  line(nodeId: string): string | undefined {
    return this.lines.get(nodeId);
  }

  /** Whether a map run has not been seen to end (an ended execution may still be asked about it). */
  get watching(): boolean {
    return this.watch?.watching ?? false;
  }

  /**
   * `mapRuns`: each Map node's latest map run (ExecutionPicture.mapRuns). Asks about the runs at most
   * every `everyMs`, or now when `ended` (the execution has ended: their final counts).
   */
  async update(sfn: SFNClient, mapRuns: ReadonlyMap<string, string>, ended: boolean, now = Date.now()): Promise<void> {
    if (mapRuns.size === 0) return;
    // (the client of the moment: a reconnect brings another)
    this.watch ??= new MapRunWatch(sfn, (arn, d) => {
      const id = this.nodeOfRun.get(arn);
      if (id !== undefined && this.latestRun.get(id) === arn) this.lines.set(id, mapRunProgressShort(d.itemCounts));
    }, this.everyMs);
    this.watch.sfn = sfn;
    for (const [id, arn] of mapRuns) {
      if (this.latestRun.get(id) === arn) continue;
      if (this.latestRun.has(id)) this.lines.set(id, '');
      this.latestRun.set(id, arn);
      this.nodeOfRun.set(arn, id);
      this.watch.seen(arn);
    }
    await this.watch.look(now, ended);
  }
}
