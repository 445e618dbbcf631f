/**
 * A multipart upload's id: URL-safe, of the form the API accepts, and never starting with '-' (the
 * AWS CLI reads `--upload-id -abc…` as an option; a CI run failed on one such id).
 */
import assert from 'node:assert/strict';
import { newUploadId } from '../../../../src/emulator/s3/multipart';

describe('S3 multipart upload ids', () => {
  it('are 32 URL-safe characters and none of 5,000 starts with a dash', () => {
    for (let i = 0; i < 5000; i++) {
      const id = newUploadId();
      assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{31}$/);
    }
  });
});
