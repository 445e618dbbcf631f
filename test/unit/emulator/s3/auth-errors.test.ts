/** The edge's SigV4 refusals in S3's codes (src/emulator/s3/errors.ts). */
import assert from 'node:assert/strict';
import { AuthError } from '../../../../src/emulator/edge/errors';
import { s3ErrorResponse } from '../../../../src/emulator/s3/errors';

const codeOf = (err: unknown) => /<Code>([^<]+)<\/Code>/.exec(String(s3ErrorResponse(err, 'r').body))?.[1];

describe('S3 error codes for signature refusals (unit)', () => {
  it('a presigned URL\'s bad query parameters are AuthorizationQueryParametersError (400); a malformed header stays AuthorizationHeaderMalformed', () => {
    const expires = s3ErrorResponse(new AuthError('IncompleteSignatureException', 'X-Amz-Expires must be between 1 and 604800 seconds.'), 'r');
    assert.equal(expires.status, 400);
    assert.equal(codeOf(new AuthError('IncompleteSignatureException', 'X-Amz-Expires must be between 1 and 604800 seconds.')), 'AuthorizationQueryParametersError');
    assert.equal(codeOf(new AuthError('IncompleteSignatureException', "Presigned request requires 'X-Amz-Date'.")), 'AuthorizationQueryParametersError');
    assert.equal(codeOf(new AuthError('IncompleteSignatureException', 'Authorization header requires a Credential.')), 'AuthorizationHeaderMalformed');
    assert.equal(codeOf(new AuthError('InvalidSignatureException', 'The request signature we calculated does not match')), 'SignatureDoesNotMatch');
  });
});
