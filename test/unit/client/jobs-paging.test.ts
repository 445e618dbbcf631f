import assert from 'node:assert/strict';
import { JOBS_PAGE_SIZE, PageLimits } from '../../../src/client/jobs';

describe('PageLimits (unit)', () => {
  it('starts at one page per list, grows by a page, and resets', () => {
    const limits = new PageLimits();
    assert.equal(limits.get('q:a:RUNNING'), JOBS_PAGE_SIZE);
    limits.more('q:a:RUNNING');
    assert.equal(limits.get('q:a:RUNNING'), 2 * JOBS_PAGE_SIZE);
    assert.equal(limits.get('q:b:RUNNING'), JOBS_PAGE_SIZE);
    limits.clear();
    assert.equal(limits.get('q:a:RUNNING'), JOBS_PAGE_SIZE);
  });
});
