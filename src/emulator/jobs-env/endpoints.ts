/**
 * `AWS_ENDPOINT_URL_<SERVICE>` variables for containers (the AWS SDKs' and CLI's service-specific
 * endpoint settings). The suffix is the service id upper-cased with spaces and dashes as `_`; the
 * common short names of localbatch.yaml's `aws.endpoints` map to it. An endpoint on the host's
 * loopback (127.x, localhost) is rewritten to the host as containers reach it.
 */

const SERVICE_IDS: Readonly<Record<string, string>> = {
  secretsmanager: 'SECRETS_MANAGER',
  logs: 'CLOUDWATCH_LOGS',
  cloudwatchlogs: 'CLOUDWATCH_LOGS',
  events: 'EVENTBRIDGE',
  eventbridge: 'EVENTBRIDGE',
  stepfunctions: 'SFN',
  states: 'SFN',
  elasticache: 'ELASTICACHE',
  kinesis: 'KINESIS',
  firehose: 'FIREHOSE',
};

export function endpointVariable(service: string): string {
  const key = service.toLowerCase();
  return `AWS_ENDPOINT_URL_${SERVICE_IDS[key] ?? key.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** `url` as a container sees the same server: loopback hosts become `hostAddress`. */
export function containerUrl(url: string, hostAddress: string): string {
  try {
    const u = new URL(url);
    if (u.hostname === 'localhost' || /^127\./.test(u.hostname) || u.hostname === '[::1]') u.hostname = hostAddress;
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

export function endpointEnvironment(endpoints: Readonly<Record<string, string>> | undefined, hostAddress: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [service, url] of Object.entries(endpoints ?? {})) env[endpointVariable(service)] = containerUrl(url, hostAddress);
  return env;
}
