import * as assert from 'node:assert/strict';
import { EXTENSION_ID, localbatch } from './util';

describe('LocalBatch extension activation (extension host)', () => {
  it('is installed and activates', async () => {
    const ext = localbatch();
    assert.equal(ext.id, EXTENSION_ID);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});
