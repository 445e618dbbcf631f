'use strict';
// Mocha's spec reporter, followed by the ten slowest test files (hooks included: where CI's time
// goes; under --parallel, their tests' time) and a plain closing line "N passed, N failed, N skipped" so that CI logs state the outcome
// in a runner-neutral form.
//
// Under CI (CI set, and not "false"/"0") a skipped test is a failure: a missing prerequisite must not
// pass silently. The one exception is a skip for another platform, whose title (with its suites')
// says so: it contains "another platform" or "other platforms" (case-insensitive).
//
// A run whose process does not exit once its tests are done (a server, socket, child or worker left
// open by a test) would hang CI with no word of why. LINGER_MS after the run ends, if the process is
// still here, this prints what keeps it alive and exits with status 1. The timer is unref'd: it never
// holds the process itself.
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

const isCI = () => !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const PLATFORM_SKIP = /\b(another|other) platforms?\b/i;
// (0 turns it off; so does --watch, whose process stays on purpose)
const LINGER_MS = process.env.LOCALBATCH_TEST_LINGER_MS === undefined ? 60_000 : Number(process.env.LOCALBATCH_TEST_LINGER_MS);
const WATCHING = process.argv.some((a) => a === '--watch' || a === '-w');

/** One line per handle that keeps the event loop alive, with what identifies it. */
function describeHandles() {
  const lines = [];
  for (const h of process._getActiveHandles()) {
    const name = (h && h.constructor && h.constructor.name) || typeof h;
    let what = '';
    try {
      if (name === 'ChildProcess') what = `pid ${h.pid}: ${(h.spawnargs || []).join(' ').slice(0, 200)}`;
      else if (name === 'Socket' || name === 'TLSSocket') what = h.remotePort ? `${h.localAddress}:${h.localPort} -> ${h.remoteAddress}:${h.remotePort}` : h._handle && h._handle.fd >= 0 ? `fd ${h._handle.fd}` : String(h.remoteAddress || h._pipeName || '');
      else if (name === 'Server') what = JSON.stringify(h.address());
      else if (name === 'Worker' || h.threadId !== undefined) what = `thread ${h.threadId}`;
      else if (typeof h._idleTimeout === 'number') what = `timer ${h._idleTimeout} ms: ${String(h._onTimeout && (h._onTimeout.name || h._onTimeout)).slice(0, 200)}`;
    } catch (err) {
      what = `(not described: ${err.message})`;
    }
    lines.push(`  ${name}${what ? ` ${what}` : ''}`);
  }
  return lines;
}

/** The worker threads (in neither list above) and the libuv handles holding the loop, from the diagnostic report. */
function describeThreads() {
  const lines = [];
  try {
    const report = process.report.getReport();
    for (const w of report.workers || []) {
      const stack = ((w.javascriptStack && w.javascriptStack.stack) || []).slice(0, 4).map((l) => l.trim()).join(' | ');
      lines.push(`  worker thread ${w.header && w.header.threadId}${stack ? `: ${stack}` : ''}`);
    }
    const refd = (report.libuv || []).filter((h) => h.is_active && h.is_referenced).map((h) => h.type);
    lines.push(`  libuv handles holding the loop: ${refd.join(', ') || 'none'}`);
  } catch (err) {
    lines.push(`  (no diagnostic report: ${err.message})`);
  }
  return lines;
}

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    let platformSkips = 0;
    // Wall time per file: from its first top-level suite's start to its last one's end.
    const files = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (!suite.file || !suite.parent || !suite.parent.root) return;
      const f = files.get(suite.file) || { ms: 0 };
      f.started = Date.now();
      files.set(suite.file, f);
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const f = suite.file && suite.parent && suite.parent.root ? files.get(suite.file) : undefined;
      if (f && f.started !== undefined) f.ms += Date.now() - f.started;
    });
    // With --parallel, a worker's events arrive at once when its file is done and suites carry no
    // file: there the tests' own durations are summed per file instead (hooks left out).
    const testTime = new Map();
    runner.on(EVENT_TEST_END, (test) => {
      if (test.file && typeof test.duration === 'number') testTime.set(test.file, (testTime.get(test.file) || 0) + test.duration);
    });
    runner.on(EVENT_TEST_PENDING, (test) => {
      if (!isCI()) return;
      if (PLATFORM_SKIP.test(test.fullTitle())) {
        platformSkips++;
        return;
      }
      // Forced: Runner#fail leaves pending tests alone unless told to fail them.
      runner.fail(test, new Error(`skipped under CI: "${test.fullTitle()}". CI must run every test; a skip is allowed only for another platform, named so in the test's title.`), true);
    });
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const byHooks = files.size > 0;
      const times = byHooks ? files : new Map([...testTime].map(([file, ms]) => [file, { ms }]));
      const slowest = [...times.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10);
      if (slowest.length > 1) {
        process.stdout.write(byHooks ? 'Slowest files (hooks included):\n' : 'Slowest files (their tests\' time, hooks not included):\n');
        for (const [file, f] of slowest) process.stdout.write(`  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${require('node:path').relative(process.cwd(), file)}\n`);
      }
      const extra = platformSkips ? ` (${platformSkips} for another platform)` : '';
      process.stdout.write(`${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped${extra}\n`);
      if (!(LINGER_MS > 0) || WATCHING) return;
      require('node:timers').setTimeout(() => {
        process.stderr.write(`The tests are done, but ${LINGER_MS / 1000} s later this process has not exited. What keeps it alive:\n`);
        process.stderr.write(`  resources: ${process.getActiveResourcesInfo().join(', ')}\n${describeHandles().join('\n')}\n`);
        // (after the handles: the report waits for every worker thread, and one may be stuck)
        process.stderr.write(`${describeThreads().join('\n')}\n`);
        // Mocha sets the exit code from the failures in an 'exit' listener of its own: this one, added
        // later, runs after it.
        process.on('exit', () => (process.exitCode = 1));
        process.exit(1);
      }, LINGER_MS).unref();
    });
  }
}
module.exports = SummaryReporter;
