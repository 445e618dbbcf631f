/** dependsOn completion never proposes the job itself, a job already listed, or one that would make a cycle. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { completionsAt } from '../../../../src/model/editing/completion';

const names = { jobDefinitions: [], jobQueues: [], computeEnvironments: [] };
const at = (text: string, format: 'json' | 'yaml') => completionsAt(text.replace('|', ''), format, 'workflow', text.indexOf('|'), names).map((c) => c.label);

describe('editing: dependsOn completion without cycles (unit)', () => {
  it('leaves out the job, the jobs downstream of it and those already listed (YAML)', () => {
    // a <- b <- c (c depends on b, b on a); d free. Completing a dependency of b: not b, not c (c -> b), not a (listed).
    const wf = 'jobs:\n  a:\n    jobDefinition: x\n  b:\n    jobDefinition: x\n    dependsOn:\n      - job: a\n      - job: |\n  c:\n    jobDefinition: x\n    dependsOn:\n      - job: b\n  d:\n    jobDefinition: x\n';
    assert.deepEqual(at(wf, 'yaml'), ['d']);
  });

  it('leaves out transitive dependents in JSON, also while the value is half-typed', () => {
    const wf = '{"jobs": {"a": {"jobDefinition": "x", "dependsOn": [{"job": "|"}]}, "b": {"jobDefinition": "x", "dependsOn": [{"job": "a"}]}, "c": {"jobDefinition": "x", "dependsOn": [{"job": "b"}]}, "d": {"jobDefinition": "x"}}}';
    assert.deepEqual(at(wf, 'json'), ['d']);
  });

  it('never proposes a job whose addition closes a cycle (random DAGs)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 7 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 15 }), fc.nat(), (n, pairs, pick) => {
      const jobs = Array.from({ length: n }, (_, i) => `j${i}`);
      // Edges only from higher to lower index: acyclic.
      const deps = new Map(jobs.map((j) => [j, new Set<string>()]));
      for (const [x, y] of pairs) {
        const hi = Math.max(x % n, y % n), lo = Math.min(x % n, y % n);
        if (hi !== lo) deps.get(jobs[hi])!.add(jobs[lo]);
      }
      const target = jobs[pick % n];
      const yaml = ['jobs:', ...jobs.flatMap((j) => [
        `  ${j}:`, '    jobDefinition: x', '    dependsOn:',
        ...[...deps.get(j)!].map((d) => `      - job: ${d}`),
        ...(j === target ? ['      - job: |'] : []),
        ...(deps.get(j)!.size === 0 && j !== target ? ['      []'] : []),
      ].filter((l) => l !== '      []'))].join('\n').replace(/ {4}dependsOn:\n(?! {6}-)/g, '') + '\n';
      const offered = at(yaml, 'yaml');
      const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
        from === to || [...deps.get(from)!].some((d) => !seen.has(d) && (seen.add(d), reaches(d, to, seen)));
      for (const o of offered) assert.ok(!reaches(o, target), `${o} depends on ${target}: offering it makes a cycle\n${yaml}`);
      // And everything else (not itself, not listed) is offered.
      const expected = jobs.filter((j) => j !== target && !deps.get(target)!.has(j) && !reaches(j, target));
      assert.deepEqual(offered, expected, yaml);
    }), { numRuns: 150 });
  });
});
