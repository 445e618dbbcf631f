// Builds the test image localbatch-busybox:latest (FROM scratch + Debian's static busybox) unless
// Docker already has it. Run by .ci/setup-docker.sh: `npx tsx scripts/build-test-image.ts`.
import Docker from 'dockerode';
import { ensureTestImage, TEST_IMAGE } from '../test/support/docker';

ensureTestImage(new Docker(), (line) => console.log(`  ${line}`)).then(
  () => console.log(`${TEST_IMAGE} is ready`),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
