/**
 * A base image that works without any registry: `localbatch images seed` makes `busybox:latest`
 * (Docker Hub's name, so a connected machine pulls the real one instead) FROM scratch with the
 * host's statically linked busybox (Debian/Ubuntu package busybox-static). `localbatch run` does
 * the same when an `images:` entry builds FROM it and it cannot be pulled. The test image is made
 * the same way.
 */
import { promises as fsp } from 'node:fs';
import type Docker from 'dockerode';
import type { ImageProgress } from '../batch/core/ports';
import { dockerMessage } from './docker';
import type { RegistryAuth } from './ecr-auth';
import { buildImage, imageExists } from './images';
import { pullImage, SEED_IMAGE } from './pull';

/** Label on seeded images (value: how it was made), so they can be told from pulled ones; images built FROM them inherit it. */
export const SEED_LABEL = 'dev.localbatch.seeded';

/** Where the host's busybox is looked for (LOCALBATCH_BUSYBOX overrides). */
export function hostBusybox(): string {
  return process.env.LOCALBATCH_BUSYBOX ?? '/bin/busybox';
}

const DOCKERFILE = ['FROM scratch', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', 'CMD ["/bin/sh"]', ''].join('\n');

/** Reads the busybox binary, refusing one that is not a statically linked ELF executable (it could not run FROM scratch). */
async function readStaticBusybox(file: string, image: string): Promise<Buffer> {
  let bin: Buffer;
  try {
    bin = await fsp.readFile(file);
  } catch {
    throw new Error(`Cannot build ${image}: ${file} is missing. Install a statically linked busybox (Debian/Ubuntu: apt-get install busybox-static) or name one with --busybox PATH.`);
  }
  if (bin.length < 64 || bin.readUInt32BE(0) !== 0x7f454c46) throw new Error(`Cannot build ${image}: ${file} is not an ELF executable.`);
  if (hasInterpreter(bin)) {
    throw new Error(`Cannot build ${image}: ${file} is dynamically linked and cannot run in an empty image; install the statically linked one (Debian/Ubuntu: apt-get install busybox-static).`);
  }
  return bin;
}

/** True when an ELF file names a program interpreter (PT_INTERP), i.e. is dynamically linked. */
function hasInterpreter(elf: Buffer): boolean {
  const is64 = elf[4] === 2;
  const le = elf[5] === 1;
  const u16 = (o: number) => (le ? elf.readUInt16LE(o) : elf.readUInt16BE(o));
  const u32 = (o: number) => (le ? elf.readUInt32LE(o) : elf.readUInt32BE(o));
  const phoff = is64 ? Number(le ? elf.readBigUInt64LE(0x20) : elf.readBigUInt64BE(0x20)) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > elf.length) break;
    if (u32(at) === 3) return true;
  }
  return false;
}

/** Builds `name` FROM scratch with the busybox binary at `busyboxPath`. */
export async function buildBusyboxImage(
  docker: Docker,
  name: string,
  busyboxPath: string = hostBusybox(),
  onProgress?: (p: ImageProgress) => void,
  labels?: Readonly<Record<string, string>>,
): Promise<void> {
  const busybox = await readStaticBusybox(busyboxPath, name);
  await buildImage(
    docker,
    { name, labels, files: [{ name: 'Dockerfile', content: DOCKERFILE }, { name: 'busybox', content: busybox, mode: 0o755 }] },
    onProgress,
  );
}

export interface SeedOptions {
  /** Image to make (default busybox:latest). */
  readonly name?: string;
  readonly busybox?: string;
  /** Try pulling it first (default true). */
  readonly pull?: boolean;
  /** Build even when the image exists. */
  readonly force?: boolean;
  readonly auth?: RegistryAuth;
  readonly say?: (line: string) => void;
}

export type SeedResult = 'present' | 'pulled' | 'built';

/** Makes the seed image available: present already, pulled, or else built from the host's busybox. */
export async function seedBaseImage(docker: Docker, o: SeedOptions = {}): Promise<SeedResult> {
  const name = o.name ?? SEED_IMAGE;
  const say = o.say ?? (() => undefined);
  if (!o.force && (await imageExists(docker, name))) return 'present';
  if (o.pull !== false && !o.force) {
    try {
      say(`pulling ${name}…`);
      await pullImage(docker, name, { auth: o.auth });
      return 'pulled';
    } catch (err) {
      say(`${name} cannot be pulled (${dockerMessage(err)})`);
    }
  }
  const busybox = o.busybox ?? hostBusybox();
  say(`building ${name} from ${busybox} (FROM scratch)…`);
  await buildBusyboxImage(docker, name, busybox, undefined, { [SEED_LABEL]: 'busybox-static' });
  return 'built';
}
