/** Timing helpers shared by the benchmarks. */

/** Times `fn` over `runs` runs after one warm-up; returns the durations in ms, sorted. */
export function timeRuns(fn: () => void, runs: number): number[] {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

export function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
