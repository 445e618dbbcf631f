import assert from 'node:assert/strict';
import { dockerProblem, formatDuration, jobContextValue, jobDescription } from '../../../src/client/job-display';

describe('job display (unit)', () => {
  it('formats durations', () => {
    assert.equal(formatDuration(4200), '4s');
    assert.equal(formatDuration(125_000), '2m 05s');
    assert.equal(formatDuration(3_720_000), '1h 02m');
  });

  it('describes jobs with array size, duration and failure reason', () => {
    assert.equal(jobDescription({ jobId: 'a', jobName: 'a', arrayProperties: { size: 3 }, startedAt: 0, stoppedAt: 5000, status: 'SUCCEEDED' }, 0), 'array of 3 · 5s');
    assert.equal(jobDescription({ jobId: 'a', jobName: 'a', status: 'FAILED', statusReason: 'Essential container in task exited', startedAt: 0 }, 1000), '1s · Essential container in task exited');
  });

  it('derives the context value from the state', () => {
    assert.equal(jobContextValue({ jobId: 'a', jobName: 'a', status: 'RUNNING' }), 'job.RUNNING');
    assert.equal(jobContextValue({ jobId: 'a', jobName: 'a', status: 'PENDING', arrayProperties: { size: 2 } }), 'job.PENDING.array');
    assert.equal(jobContextValue({ jobId: 'a:1', jobName: 'a', status: 'PENDING', arrayProperties: { size: 2, index: 1 } }), 'job.PENDING');
  });

  it('finds a Docker problem in a health answer', () => {
    assert.equal(dockerProblem({ status: 'ok' }), undefined);
    assert.equal(dockerProblem({ docker: { reachable: true } }), undefined);
    assert.equal(dockerProblem({ docker: false }), 'Docker is not reachable');
    // the scripted runtime runs no container: its health answer is no Docker problem
    assert.equal(dockerProblem({ docker: 'not used (scripted runtime)' }), undefined);
    assert.equal(dockerProblem({ docker: 'connect ECONNREFUSED /var/run/docker.sock' }), 'connect ECONNREFUSED /var/run/docker.sock');
    assert.equal(dockerProblem({ docker: { available: false, error: 'connect ENOENT /var/run/docker.sock' } }), 'connect ENOENT /var/run/docker.sock');
  });
});
