/** A benchmark registered in bench/run.ts. */
export interface Benchmark {
  readonly name: string;
  /** Runs the benchmark; resolves to the lines to print. */
  run(): Promise<string[]> | string[];
}
