/** `localbatch images seed|build`: a base image that needs no registry, and the images localbatch.yaml lists. */
import path from 'node:path';
import Docker from 'dockerode';
import { checkDocker, DockerUnavailableError } from '../../emulator/runtime/docker';
import { registryAuthFromSettings } from '../../emulator/runtime/ecr-auth';
import { buildLocalImages, ImageBuildError } from '../../emulator/runtime/local-images';
import { SEED_IMAGE } from '../../emulator/runtime/pull';
import { hostBusybox, seedBaseImage } from '../../emulator/runtime/seed';
import { findWorkspaceRoot } from '../../node/load-workspace';
import { readSettings, SettingsError } from '../../node/settings';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import type { CliCommand } from './index';
import { buildTemplateAssets } from '../run/cdk-asset-overrides';

const HELP = `Usage: localbatch images seed [--name IMAGE] [--busybox PATH] [--no-pull] [--force]
       localbatch images build [folder]
       localbatch images cdk-assets <cdk.out/Stack.template.json>

seed   makes the base image ${SEED_IMAGE} available without a registry: pulled when a registry
       answers, else built FROM scratch with this machine's statically linked busybox
       (Debian/Ubuntu: apt-get install busybox-static). Dockerfiles can then build FROM it offline.
build  builds the images listed under images: in localbatch.yaml (of the folder, default the
       current one, or the nearest folder above holding localbatch.yaml), as \`localbatch run\` does.
cdk-assets  builds the CDK container image assets (Stack.assets.json beside the template, the parent's for a nested stack) that the
       template's job definitions use, as \`localbatch run\` does, and tags each also with the
       definition's image name, so a running \`localbatch serve\` runs it instead of pulling it.
       Assets made by a command (fromTarball) run it in cdk.out; assets with build secrets, ssh or
       build contexts are built with \`docker buildx build\` (the docker CLI, or CDK_DOCKER).

Options (seed):
  --name IMAGE     the image to make (default ${SEED_IMAGE})
  --busybox PATH   the busybox binary to use (default ${hostBusybox()})
  --no-pull        do not try to pull it first
  --force          build it from busybox even when the image exists (replacing the tag)
  -h, --help       show this help`;

export const imagesCommand: CliCommand = {
  name: 'images',
  summary: `seed an offline base image (${SEED_IMAGE} from the host's busybox), or build localbatch.yaml's images`,
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      {
        args,
        allowPositionals: true,
        options: { name: { type: 'string' }, busybox: { type: 'string' }, 'no-pull': { type: 'boolean' }, force: { type: 'boolean' }, ...HELP_OPTION },
      },
      HELP,
    );
    if (!parsed) return 0;
    const [action, ...rest] = parsed.positionals;
    if (action !== 'seed' && action !== 'build' && action !== 'cdk-assets') throw new CliError(`expected 'seed', 'build' or 'cdk-assets'\n\n${HELP}`, 2);
    const docker = new Docker();
    try {
      await checkDocker(docker);
    } catch (err) {
      if (err instanceof DockerUnavailableError) throw new CliError(err.message, 1);
      throw err;
    }
    try {
      if (action === 'seed') {
        if (rest.length > 0) throw new CliError(`seed takes no folder\n\n${HELP}`, 2);
        const name = parsed.values.name ?? SEED_IMAGE;
        const result = await seedBaseImage(docker, {
          name,
          busybox: parsed.values.busybox,
          pull: parsed.values['no-pull'] !== true,
          force: parsed.values.force === true,
          say: (line) => console.error(line),
        });
        console.log(result === 'present' ? `${name} is already available (--force rebuilds it from busybox)` : `${name} is ready (${result})`);
        return 0;
      }
      if (action === 'cdk-assets') {
        if (rest.length !== 1) throw new CliError(`cdk-assets takes one template file\n\n${HELP}`, 2);
        const built = await buildTemplateAssets(docker, path.resolve(rest[0]), (line) => console.error(line));
        console.log(built.length === 0 ? `no job definition of ${rest[0]} uses a CDK container image asset` : `ready: ${built.join(', ')}`);
        return 0;
      }
      if (rest.length > 1) throw new CliError(`build takes at most one folder\n\n${HELP}`, 2);
      const start = path.resolve(rest[0] ?? '.');
      const root = findWorkspaceRoot(start);
      if (!root) throw new CliError(`no localbatch.yaml in ${start} or above it`, 1);
      const settings = readSettings(root);
      const images = settings?.images ?? [];
      if (images.length === 0) {
        console.log(`${path.join(root, 'localbatch.yaml')} lists no images`);
        return 0;
      }
      await buildLocalImages(docker, { images, root, auth: registryAuthFromSettings(settings), say: (line) => console.error(line) });
      console.log(`built ${images.map((i) => i.name).join(', ')}`);
      return 0;
    } catch (err) {
      if (err instanceof ImageBuildError || err instanceof SettingsError) throw new CliError(err.message, 1);
      if (err instanceof CliError) throw err;
      throw new CliError((err as Error).message, 1);
    }
  },
};
