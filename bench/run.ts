/**
 * `npm run bench`: runs every registered benchmark and prints its result lines. Benchmarks report;
 * they never assert timings. Run some with `npm run bench -- <name> [<name>...]`. The Docker
 * benchmarks (docker-chain, docker-array) need Docker and localbatch-busybox:latest
 * (.ci/setup-docker.sh); editor-scale needs code-server (.ci/setup-code-server.sh); LOCALBATCH_BENCH_ROUNDS sets their number of alternated rounds (default 3).
 */
import { apiBench } from './api.bench';
import { coreBench } from './core.bench';
import { dagBench } from './dag.bench';
import { dockerArrayBench } from './docker-array.bench';
import { dockerChainBench } from './docker-chain.bench';
import { editorScaleBench } from './editor-scale.bench';
import { eventBatchBench } from './event-batch.bench';
import { eventsBench } from './events.bench';
import { extensionBench } from './extension.bench';
import { s3Bench } from './s3.bench';
import { sfnBench } from './sfn.bench';
import { validateBench } from './validate.bench';

export type { Benchmark } from './benchmark';
import type { Benchmark } from './benchmark';

const BENCHMARKS: readonly Benchmark[] = [validateBench, coreBench, apiBench, dockerChainBench, dockerArrayBench, extensionBench, dagBench, s3Bench, sfnBench, eventsBench, eventBatchBench, editorScaleBench];

// The AWS SDK's notice about its own future Node.js support would interleave with the results.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = only.length > 0 ? BENCHMARKS.filter((b) => only.includes(b.name)) : BENCHMARKS;
  if (selected.length === 0) {
    console.error(`no benchmark named ${only.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  for (const bench of selected) {
    try {
      for (const line of await bench.run()) console.log(line);
    } catch (err) {
      // One benchmark failing (e.g. Docker unreachable) does not hide the others' results.
      console.log(`${bench.name}: failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
}

if (require.main === module) void main();
