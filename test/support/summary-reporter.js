'use strict';
// Mocha's spec reporter, followed by a plain closing line "N passed, N failed, N skipped"
// so that CI logs state the outcome in a runner-neutral form.
//
// Under CI (CI set, and not "false"/"0") a skipped test is a failure: a missing prerequisite must not
// pass silently. The one exception is a skip for another platform, whose title (with its suites')
// says so: it contains "another platform" or "other platforms" (case-insensitive).
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

const isCI = () => !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const PLATFORM_SKIP = /\b(another|other) platforms?\b/i;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    let platformSkips = 0;
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
      const extra = platformSkips ? ` (${platformSkips} for another platform)` : '';
      process.stdout.write(`${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped${extra}\n`);
    });
  }
}
module.exports = SummaryReporter;
