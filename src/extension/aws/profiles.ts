import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { profileNames } from '../../client/ini';

/** Profile names from the user's AWS config and credentials files (honouring AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). */
export async function listAwsProfiles(): Promise<string[]> {
  const home = os.homedir();
  const read = (file: string) => readFile(file, 'utf8').catch(() => '');
  const [config, credentials] = await Promise.all([
    read(process.env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config')),
    read(process.env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials')),
  ]);
  return profileNames(config, credentials);
}
