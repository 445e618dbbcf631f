import assert from 'node:assert/strict';
import { ClientException, ServerException, toErrorResponse } from '../../../../src/emulator/edge/errors';
import { ALL_OPERATIONS, matchRoute, queryMembers } from '../../../../src/emulator/batch/api/routes';

describe('API route table (unit)', () => {
  it('routes POST /v1/<lowercase op> to its operation and refuses other methods', () => {
    assert.deepEqual(matchRoute('POST', '/v1/submitjob'), { kind: 'operation', operation: 'SubmitJob', pathParams: {} });
    assert.deepEqual(matchRoute('GET', '/v1/submitjob'), { kind: 'method-not-allowed', allowed: ['POST'] });
    assert.deepEqual(matchRoute('POST', '/v1/nosuchop'), { kind: 'none' });
    assert.deepEqual(matchRoute('POST', '/'), { kind: 'none' });
  });

  it('routes the tag operations by method and URL-decodes the ARN', () => {
    const arn = 'arn:aws:batch:us-east-1:123456789012:job-definition/my def:3';
    const path = `/v1/tags/${encodeURIComponent(arn)}`;
    assert.deepEqual(matchRoute('GET', path), { kind: 'operation', operation: 'ListTagsForResource', pathParams: { resourceArn: arn } });
    assert.deepEqual(matchRoute('POST', path), { kind: 'operation', operation: 'TagResource', pathParams: { resourceArn: arn } });
    assert.deepEqual(matchRoute('DELETE', path), { kind: 'operation', operation: 'UntagResource', pathParams: { resourceArn: arn } });
    assert.equal(matchRoute('PUT', path).kind, 'method-not-allowed');
    assert.equal(matchRoute('GET', '/v1/tags/%E0%A4%A').kind, 'none');
    assert.deepEqual(queryMembers('UntagResource', new URLSearchParams('tagKeys=a&tagKeys=b%20c')), { tagKeys: ['a', 'b c'] });
  });

  it('has the 45 operations of the botocore model and the 3 newer ones of the SDK, each once', () => {
    assert.equal(new Set(ALL_OPERATIONS).size, ALL_OPERATIONS.length);
    assert.equal(ALL_OPERATIONS.length, 48);
    assert.deepEqual(matchRoute('POST', '/v1/canceljobs'), { kind: 'operation', operation: 'CancelJobs', pathParams: {} });
  });
});

describe('toErrorResponse (unit)', () => {
  it('maps API errors to their type, status, header and body', () => {
    const out = toErrorResponse(new ClientException('bad queue'));
    assert.equal(out.status, 400);
    assert.equal(out.headers['x-amzn-errortype'], 'ClientException');
    assert.deepEqual(JSON.parse(out.body), { __type: 'ClientException', message: 'bad queue' });
    assert.equal(out.logLine, undefined);
    assert.equal(toErrorResponse(new ServerException('x')).status, 500);
  });

  it('hides internal errors behind a ServerException and logs their detail', () => {
    const out = toErrorResponse(new TypeError('secret internals'), 'application/x-amz-json-1.1');
    assert.equal(out.status, 500);
    assert.equal(out.headers['content-type'], 'application/x-amz-json-1.1');
    assert.doesNotMatch(out.body, /secret internals/);
    assert.match(out.logLine ?? '', /secret internals/);
  });
});

describe('toErrorResponse with the core errors (unit)', () => {
  it('maps errors named ClientException / ServerException (the core cannot import the API) by name', () => {
    class CoreClientException extends Error {
      override readonly name = 'ClientException';
    }
    const out = toErrorResponse(new CoreClientException('Job queue nope does not exist'));
    assert.equal(out.status, 400);
    assert.deepEqual(JSON.parse(out.body), { __type: 'ClientException', message: 'Job queue nope does not exist' });
  });
});
