'use strict';
// Mocha's spec reporter, followed by the ten slowest test files (hooks included: where CI's time
// goes) and a plain closing line "N passed, N failed, N skipped" so that CI logs state the outcome
// in a runner-neutral form.
//
// Under CI (CI set, and not "false"/"0") a skipped test is a failure: a missing prerequisite must not
// pass silently. The one exception is a skip for another platform, whose title (with its suites')
// says so: it contains "another platform" or "other platforms" (case-insensitive).
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

const isCI = () => !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const PLATFORM_SKIP = /\b(another|other) platforms?\b/i;

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
      const slowest = [...files.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10);
      if (slowest.length > 1) {
        process.stdout.write('Slowest files (hooks included):\n');
        for (const [file, f] of slowest) process.stdout.write(`  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${require('node:path').relative(process.cwd(), file)}\n`);
      }
      const extra = platformSkips ? ` (${platformSkips} for another platform)` : '';
      process.stdout.write(`${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped${extra}\n`);
    });
  }
}
module.exports = SummaryReporter;
