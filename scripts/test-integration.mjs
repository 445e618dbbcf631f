// `npm run test:integration`: the integration tests that can run side by side, two files at a time
// (.mocharc.integration.json, mocha's --parallel), then the ones that change what every test shares
// (Docker images, the build in dist/) on their own (.mocharc.integration-serial.json). Both passes
// run; the exit status is the first failing pass's. Arguments go to both mocha runs.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const pass = (config) => spawnSync(process.execPath, [mocha, '--config', config, ...process.argv.slice(2)], { stdio: 'inherit' }).status ?? 1;
const side = pass('.mocharc.integration.json');
const alone = pass('.mocharc.integration-serial.json');
process.exit(side || alone);
