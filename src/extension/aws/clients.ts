/** Batch and Logs clients for the AWS view, per region, with the selected profile and endpoint. */
import { BatchClient } from '@aws-sdk/client-batch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { fromIni } from '@aws-sdk/credential-providers';
import type { Settings } from '../config';
import type { JobTarget } from '../views/jobNodes';

export class AwsClients {
  private readonly byRegion = new Map<string, JobTarget>();
  private key = '';

  /** The clients for a region; all are rebuilt when the profile or endpoint setting changes. */
  target(settings: Settings, region: string): JobTarget {
    const key = `${settings.awsProfile ?? ''}|${settings.awsEndpointUrl ?? ''}`;
    if (key !== this.key) {
      this.dispose();
      this.key = key;
    }
    let target = this.byRegion.get(region);
    if (!target) {
      // A named profile goes through fromIni (static keys, SSO, assume-role, credential_process);
      // without one the SDK's default chain applies (environment, files, SSO, container, instance).
      const config = {
        region,
        ...(settings.awsEndpointUrl ? { endpoint: settings.awsEndpointUrl } : {}),
        ...(settings.awsProfile ? { credentials: fromIni({ profile: settings.awsProfile }) } : {}),
      };
      target = { label: `AWS ${region}${settings.awsProfile ? ` (${settings.awsProfile})` : ''}`, batch: new BatchClient(config), logs: new CloudWatchLogsClient(config) };
      this.byRegion.set(region, target);
    }
    return target;
  }

  dispose(): void {
    for (const t of this.byRegion.values()) {
      t.batch.destroy();
      t.logs.destroy();
    }
    this.byRegion.clear();
  }
}
