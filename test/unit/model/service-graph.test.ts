import assert from 'node:assert/strict';
import { graphFromServiceJobs, serviceDagStatus, serviceSegments, timelineFromServiceJobs } from '../../../src/model/service-graph';

const T = 1_765_000_000_000;

describe('service graph: a training queue\'s service jobs as graph nodes and timeline rows (unit)', () => {
  it('one node per service job, oldest first, coloured by its status, no edges; repeated names made unique', () => {
    const g = graphFromServiceJobs([
      { jobId: 'bbbbbbbb-2', jobName: 'fit', status: 'SCHEDULED', createdAt: T + 2 },
      { jobId: 'aaaaaaaa-1', jobName: 'fit', status: 'SUCCEEDED', createdAt: T + 1 },
      { jobId: 'cccccccc-3', jobName: 'big', status: 'RUNNABLE', statusReason: 'MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE - x', createdAt: T + 3 },
    ], 'Training queue train');
    assert.equal(g.title, 'Training queue train');
    assert.deepEqual(g.nodes.map((n) => [n.id, n.name, n.status, n.jobId]), [
      ['fit', 'fit', 'SUCCEEDED', 'aaaaaaaa-1'],
      ['fit (bbbbbbbb)', 'fit', 'SCHEDULED', 'bbbbbbbb-2'],
      ['big', 'big', 'RUNNABLE', 'cccccccc-3'],
    ]);
    assert.deepEqual(g.edges, []);
  });

  it('statuses: the container jobs\' ones as they are, SCHEDULED kept, unknown ones SUBMITTED', () => {
    assert.deepEqual(['RUNNING', 'SCHEDULED', 'FAILED', 'BOGUS', undefined].map(serviceDagStatus), ['RUNNING', 'SCHEDULED', 'FAILED', 'SUBMITTED', 'SUBMITTED']);
  });

  it('attempts become segments: earlier ones failed (retried or preempted), the last one running or as the job ended', () => {
    const attempts = [{ startedAt: T + 10, stoppedAt: T + 20, statusReason: 'Received status from SageMaker: AlgorithmError' }, { startedAt: T + 30 }];
    assert.deepEqual(serviceSegments({ jobId: 'j', status: 'RUNNING', attempts }), [
      { start: T + 10, end: T + 20, status: 'FAILED', attempt: 1, reason: 'Received status from SageMaker: AlgorithmError' },
      { start: T + 30, status: 'RUNNING', attempt: 2 },
    ]);
    assert.deepEqual(serviceSegments({ jobId: 'j', status: 'SUCCEEDED', stoppedAt: T + 50, attempts: [attempts[0], { startedAt: T + 30, stoppedAt: T + 50 }] }).map((s) => [s.status, s.end]), [['FAILED', T + 20], ['SUCCEEDED', T + 50]]);
    assert.deepEqual(serviceSegments({ jobId: 'j', status: 'RUNNABLE' }), [], 'not started: no segment');
  });

  it('the timeline: a row per job oldest first, open while one has not finished', () => {
    const done = { jobId: 'a', jobName: 'fit', status: 'SUCCEEDED', createdAt: T, attempts: [{ startedAt: T + 5, stoppedAt: T + 9 }] };
    const waiting = { jobId: 'b', jobName: 'next', status: 'SCHEDULED', createdAt: T + 1 };
    const both = timelineFromServiceJobs([waiting, done], T + 100);
    assert.deepEqual(both.rows.map((r) => [r.nodeId, r.status, r.segments.length]), [['fit', 'SUCCEEDED', 1], ['next', 'SCHEDULED', 0]]);
    assert.deepEqual([both.start, both.end, both.now], [T, undefined, T + 100]);
    assert.equal(timelineFromServiceJobs([done], T + 100).end, T + 9);
  });
});
