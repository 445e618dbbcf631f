/**
 * How local tools find a running `localbatch serve`: `<state>/endpoint.json` ({url, pid, version})
 * and `<state>/credentials` (shared-credentials format, profile `localbatch`), both written by the
 * server. Shared by the CLI and the extension.
 */
import { readRegularTextFile } from '../node/read-file';
import * as path from 'node:path';
import { DEFAULT_REGION } from '../model/types';
import { parseIni } from './ini';

export const ENDPOINT_FILE = 'endpoint.json';
export const CREDENTIALS_FILE = 'credentials';
export const CREDENTIALS_PROFILE = 'localbatch';

export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface EmulatorEndpoint {
  readonly url: string;
  readonly pid?: number;
  readonly version?: string;
  /** `run`: the private emulator of a `localbatch run`, which stops it when its run ends. */
  readonly owner?: 'run';
  readonly region: string;
  readonly credentials: StaticCredentials;
}

export class EndpointNotFoundError extends Error {}

/** endpoint.json and credentials are a few lines each. */
const MAX_STATE_FILE_BYTES = 64 * 1024;

/** Reads the endpoint and credentials files of a state directory; throws EndpointNotFoundError when absent. */
export async function readEndpoint(stateDir: string): Promise<EmulatorEndpoint> {
  let endpointText: string;
  let credentialsText: string;
  try {
    [endpointText, credentialsText] = await Promise.all([
      readRegularTextFile(path.join(stateDir, ENDPOINT_FILE), MAX_STATE_FILE_BYTES),
      readRegularTextFile(path.join(stateDir, CREDENTIALS_FILE), MAX_STATE_FILE_BYTES),
    ]);
  } catch {
    throw new EndpointNotFoundError(`no running emulator found in ${stateDir} (no ${ENDPOINT_FILE} or ${CREDENTIALS_FILE})`);
  }
  return parseEndpoint(endpointText, credentialsText);
}

export function parseEndpoint(endpointText: string, credentialsText: string): EmulatorEndpoint {
  let info: unknown;
  try {
    info = JSON.parse(endpointText);
  } catch {
    throw new EndpointNotFoundError(`${ENDPOINT_FILE} is not valid JSON`);
  }
  const obj = (typeof info === 'object' && info !== null ? info : {}) as Record<string, unknown>;
  if (typeof obj.url !== 'string' || !/^https?:\/\//.test(obj.url)) throw new EndpointNotFoundError(`${ENDPOINT_FILE} has no url`);
  const profile = parseIni(credentialsText).get(CREDENTIALS_PROFILE);
  const accessKeyId = profile?.get('aws_access_key_id');
  const secretAccessKey = profile?.get('aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey) throw new EndpointNotFoundError(`${CREDENTIALS_FILE} has no [${CREDENTIALS_PROFILE}] keys`);
  return {
    url: obj.url.replace(/\/+$/, ''),
    pid: typeof obj.pid === 'number' ? obj.pid : undefined,
    version: typeof obj.version === 'string' ? obj.version : undefined,
    ...(obj.owner === 'run' ? { owner: 'run' as const } : {}),
    region: typeof obj.region === 'string' ? obj.region : profile?.get('region') ?? DEFAULT_REGION,
    credentials: { accessKeyId, secretAccessKey },
  };
}
