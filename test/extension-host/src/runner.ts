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
}

/** Mocha's reporter contract with no output: the results file is the report. */
class SilentReporter extends Mocha.reporters.Base {}

export async function runSuite(): Promise<SuiteResults> {
  const started = Date.now();
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, reporter: SilentReporter as never, color: false });
  mocha.suite.emit('pre-require', globalThis, 'extension-host', mocha);
  if (SUITES.length === 0) throw new Error('no extension-host suites bundled (build with bundleTestExtension)');
  for (const load of SUITES) await load();

  const results: SuiteResults = { ok: false, passed: [], failed: [], pending: [], durationMs: 0, foreignErrors: [] };
  // Mocha fails the current test on any uncaught exception in the process. The extension host is
  // shared with other extensions (built-ins that try to reach the network, for one), so let mocha see
  // only errors raised from this bundle and record the others. The extension host wraps
  // process.on() listeners, so mocha's own listener cannot be removed: filter in the runner instead.
  // (Runner's constructor binds this._uncaught, so a prototype override is what it binds.)
  const Base = Mocha.Runner as unknown as new (...args: unknown[]) => { _uncaught(err: unknown): void };
  class FilteringRunner extends Base {
    override _uncaught(err: unknown): void {
      if (err instanceof Error && err.stack?.includes(__filename)) super._uncaught(err);
      else results.foreignErrors.push(err instanceof Error ? err.message : String(err));
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
  results.ok = results.failed.length === 0;
  return results;
}
