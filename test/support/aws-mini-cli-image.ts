/**
 * The test image `localbatch-aws-mini-cli`: busybox (`localbatch-busybox:latest`, for `sh`, `wc`, ...)
 * plus this machine's Node.js and test/fixtures/aws-mini-cli/aws.ts bundled with esbuild as
 * `/usr/bin/aws`, so a job's shell script runs `aws s3 cp` against the local S3 with the real SDK.
 * Stands in for an image built FROM the AWS CLI, which cannot be pulled offline. No registry needed.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type Docker from 'dockerode';
import { buildImage, imageExists, type ContextFile } from '../../src/emulator/runtime/images';
import { libraries } from './aws-probe-image';

export async function ensureMiniCliImage(docker: Docker): Promise<string> {
  const node = realpathSync(process.execPath);
  const bundle = await build({
    entryPoints: [path.join(__dirname, '../fixtures/aws-mini-cli/aws.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    preserveSymlinks: true,
  });
  const script = Buffer.from(bundle.outputFiles[0].contents);
  const tag = `localbatch-aws-mini-cli:${createHash('sha256').update(script).update(node).digest('hex').slice(0, 12)}`;
  if (await imageExists(docker, tag)) return tag;
  const files: ContextFile[] = [
    { name: 'node', content: readFileSync(node), mode: 0o755 },
    { name: 'aws.js', content: script },
    { name: 'aws', content: '#!/bin/sh\nexec /usr/local/bin/node /opt/aws.js "$@"\n', mode: 0o755 },
  ];
  const copies: string[] = [];
  libraries(node).forEach((lib, i) => {
    files.push({ name: `lib${i}`, content: readFileSync(realpathSync(lib)), mode: 0o755 });
    copies.push(`COPY lib${i} ${lib}`);
  });
  files.push({
    name: 'Dockerfile',
    content: ['FROM localbatch-busybox:latest', 'COPY node /usr/local/bin/node', 'COPY aws.js /opt/aws.js', 'COPY aws /usr/bin/aws', ...copies, 'RUN mkdir -p /tmp && chmod 1777 /tmp', 'ENV AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true', ''].join('\n'),
  });
  await buildImage(docker, { name: tag, files, labels: { 'dev.localbatch.test-image': 'aws-mini-cli' } });
  return tag;
}
