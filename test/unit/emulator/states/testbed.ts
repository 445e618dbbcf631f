/**
 * A Step Functions service for each test of a describe block: on the file journal in a fresh
 * temporary folder, with a fake clock (fakes: the clock, and tasks that all fail). `service()` may be
 * called again on the same folder to restart it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { statesHandlers } from '../../../../src/emulator/states/api/handlers';
import { StatesService } from '../../../../src/emulator/states/service';
import { fileJournal } from '../../../../src/emulator/states/store';

export interface StatesTestbed {
  /** The state folder. */
  dir: string;
  /** Replace it to restart on another clock. */
  clock: FakeClock;
  service(log?: (line: string) => void): { svc: StatesService; api: ReturnType<typeof statesHandlers> };
}

/** Call inside a describe block: each test gets a new folder and clock. */
export function statesTestbed(prefix: string): StatesTestbed {
  const bed: StatesTestbed = {
    dir: '',
    clock: new FakeClock(),
    service(log) {
      const svc = new StatesService({ clock: bed.clock, account: '123456789012', region: 'us-east-1', journal: fileJournal(bed.dir), ...(log ? { log } : {}), runTask: () => Promise.reject(new Error('no tasks here')) });
      svc.restore();
      return { svc, api: statesHandlers(svc) };
    },
  };
  beforeEach(() => {
    bed.dir = mkdtempSync(path.join(tmpdir(), prefix));
    bed.clock = new FakeClock();
  });
  afterEach(() => rmSync(bed.dir, { recursive: true, force: true }));
  return bed;
}
