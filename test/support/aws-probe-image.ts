/**
 * The test image `localbatch-aws-probe`: this machine's Node.js (with the shared libraries `ldd`
 * names) and test/fixtures/aws-probe/probe.ts bundled with esbuild, FROM scratch, so a job runs
 * the real AWS SDK for JavaScript with its default credential chain. No registry needed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type Docker from 'dockerode';
import { buildImage, imageExists, type ContextFile } from '../../src/emulator/runtime/images';

/** Shared libraries of an executable, as `ldd` lists them (empty for a static one). */
export function libraries(exe: string): string[] {
  const out = execFileSync('ldd', [exe], { encoding: 'utf8' });
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}

export async function ensureProbeImage(docker: Docker): Promise<string> {
  const node = realpathSync(process.execPath);
  const bundle = await build({
    entryPoints: [path.join(__dirname, '../fixtures/aws-probe/probe.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // node_modules may be a symbolic link (shared installs): resolve inside this checkout.
    preserveSymlinks: true,
  });
  const script = Buffer.from(bundle.outputFiles[0].contents);
  const tag = `localbatch-aws-probe:${createHash('sha256').update(script).update(node).digest('hex').slice(0, 12)}`;
  if (await imageExists(docker, tag)) return tag;
  const files: ContextFile[] = [
    { name: 'node', content: readFileSync(node), mode: 0o755 },
    { name: 'probe.js', content: script },
  ];
  const copies: string[] = [];
  libraries(node).forEach((lib, i) => {
    files.push({ name: `lib${i}`, content: readFileSync(realpathSync(lib)), mode: 0o755 });
    copies.push(`COPY lib${i} ${lib}`);
  });
  files.push({
    name: 'Dockerfile',
    content: ['FROM scratch', 'COPY node /usr/bin/node', 'COPY probe.js /probe.js', ...copies, 'ENTRYPOINT ["/usr/bin/node", "/probe.js"]', ''].join('\n'),
  });
  await buildImage(docker, { name: tag, files, labels: { 'dev.localbatch.test-image': 'aws-probe' } });
  return tag;
}
