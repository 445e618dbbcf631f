import * as os from 'node:os';
import * as path from 'node:path';
import { profileNames } from '../../client/ini';
import { readRegularTextFile } from '../../node/read-file';

/** Profile names from the user's AWS config and credentials files (honouring AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). */
export async function listAwsProfiles(): Promise<string[]> {
  const home = os.homedir();
  // Only regular files, at most 1 MiB each: a FIFO or a device there must not hang the picker.
  const read = (file: string) => readRegularTextFile(file, 1024 * 1024).catch(() => '');
  const [config, credentials] = await Promise.all([
    read(process.env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config')),
    read(process.env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials')),
  ]);
  return profileNames(config, credentials);
}
