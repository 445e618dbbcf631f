/** Runs the bundled mocha suite in the extension host and collects the results as plain data. */
import Mocha from 'mocha';

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

/** Each suite module registers its describe() blocks when imported, after mocha's pre-require. */
const SUITES: Array<() => Promise<unknown>> = [
  () => import('./suite/activation.test'),
  () => import('./suite/commands.test'),
  () => import('./suite/diagnostics.test'),
];

/** Mocha's reporter contract with no output: the results file is the report. */
class SilentReporter extends Mocha.reporters.Base {}

export async function runSuite(): Promise<SuiteResults> {
  const started = Date.now();
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, reporter: SilentReporter as never, color: false });
  mocha.suite.emit('pre-require', globalThis, 'extension-host', mocha);
  for (const load of SUITES) await load();

  const results: SuiteResults = { ok: false, passed: [], failed: [], pending: [], durationMs: 0, foreignErrors: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => {
      process.removeListener('uncaughtException', filtered);
      resolve();
    });
    // Mocha fails the current test on any uncaught exception in the process. The extension host is
    // shared with other extensions (built-ins that try to reach the network, for one), so forward
    // only errors raised from this bundle and record the others.
    const forward = (runner as unknown as { uncaught: (err: unknown) => void }).uncaught;
    const filtered = (err: unknown): void => {
      if (err instanceof Error && err.stack?.includes(__filename)) forward(err);
      else results.foreignErrors.push(err instanceof Error ? err.message : String(err));
    };
    process.removeListener('uncaughtException', forward);
    process.on('uncaughtException', filtered);
    runner.on('pass', (t) => results.passed.push({ title: t.fullTitle(), durationMs: t.duration }));
    runner.on('fail', (t, err: Error) => results.failed.push({ title: t.fullTitle(), error: err?.stack ?? String(err) }));
    runner.on('pending', (t) => results.pending.push({ title: t.fullTitle() }));
  });
  results.durationMs = Date.now() - started;
  results.ok = results.failed.length === 0;
  return results;
}
