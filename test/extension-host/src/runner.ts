/** Runs the bundled mocha suite in the extension host and collects the results as plain data. */
import Mocha from 'mocha';
import { SUITES } from './suites';

export interface TestResult {
  title: string;
  durationMs?: number;
  error?: string;
}

export interface SuiteResults {
  ok: boolean;
  passed: TestResult[];
  failed: TestResult[];
  pending: TestResult[];
  durationMs: number;
  /** Uncaught errors raised by other code in the shared extension host while the suite ran. */
  foreignErrors: string[];
  /** Uncaught errors raised from the extension under test (its own bundle) while the suite ran: each fails the run. */
  ownErrors?: string[];
}

/** A pending test is allowed only when it is for another platform and says so in its title. */
export const PLATFORM_SKIP = /\b(another|other) platforms?\b/i;

/** Mocha's reporter contract with no output: the results file is the report. */
class SilentReporter extends Mocha.reporters.Base {}

/**
 * `ownCode`: folders of the extension under test; an uncaught error whose stack passes through them
 * (or through this bundle) fails the run, any other is recorded as foreign.
 */
export async function runSuite(ownCode: readonly string[] = []): Promise<SuiteResults> {
  const started = Date.now();
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, reporter: SilentReporter as never, color: false });
  mocha.suite.emit('pre-require', globalThis, 'extension-host', mocha);
  if (SUITES.length === 0) throw new Error('no extension-host suites bundled (build with bundleTestExtension)');
  for (const load of SUITES) await load();

  const results: SuiteResults = { ok: false, passed: [], failed: [], pending: [], durationMs: 0, foreignErrors: [], ownErrors: [] };
  const ours = (err: unknown): boolean => err instanceof Error && [__filename, ...ownCode].some((p) => p.length > 0 && (err.stack ?? '').includes(p));
  // Mocha fails the current test on any uncaught exception in the process. The extension host is
  // shared with other extensions (built-ins that try to reach the network, for one), so let mocha see
  // only errors raised from this bundle and record the others. The extension host wraps
  // process.on() listeners, so mocha's own listener cannot be removed: filter in the runner instead.
  // (Runner's constructor binds this._uncaught, so a prototype override is what it binds.)
  const Base = Mocha.Runner as unknown as new (...args: unknown[]) => { _uncaught(err: unknown): void };
  class FilteringRunner extends Base {
    override _uncaught(err: unknown): void {
      if (!ours(err)) {
        results.foreignErrors.push(err instanceof Error ? err.message : String(err));
        return;
      }
      // Recorded as well: mocha attributes it to whatever test runs, or to none between tests.
      results.ownErrors!.push((err as Error).stack ?? String(err));
      super._uncaught(err);
    }
  }
  (mocha as unknown as { _runnerClass: unknown })._runnerClass = FilteringRunner;

  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => results.passed.push({ title: t.fullTitle(), durationMs: t.duration }));
    runner.on('fail', (t, err: Error) => results.failed.push({ title: t.fullTitle(), error: err?.stack ?? String(err) }));
    runner.on('pending', (t) => results.pending.push({ title: t.fullTitle() }));
  });
  results.durationMs = Date.now() - started;
  // A skipped test fails the run (unless it is for another platform, named so): nothing may pass unrun.
  results.ok = results.failed.length === 0 && results.ownErrors!.length === 0 && results.pending.every((t) => PLATFORM_SKIP.test(t.title));
  return results;
}
