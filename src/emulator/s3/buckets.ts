/**
 * The buckets: those declared in localbatch.yaml (`buckets: { raw-data: ./data/raw }`, folders of
 * the user's) and those created through the API (folders under `<state>/s3/buckets/`). Which buckets
 * were created, and each bucket's notification configuration, are kept in `<state>/s3/buckets.json`,
 * written durably before CreateBucket answers.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeDurableSync } from '../store/durable-files';
import { S3Error, noSuchBucket } from './errors';
import { checkBucketName } from './names';
import { parseNotifyConfig, type NotifyConfig } from './notify-config';
import { fromXml } from './xml';

export interface DeclaredBucket {
  readonly path: string;
  /** Send "Object Created"/"Object Deleted" to EventBridge (as EventBridgeConfiguration does). */
  readonly eventBridge?: boolean;
}

export interface Bucket {
  readonly name: string;
  readonly dir: string;
  readonly created: string;
  readonly declared: boolean;
  /** The NotificationConfiguration XML last put, if any. */
  readonly notificationXml?: string;
  readonly eventBridge: boolean;
  /** Some of its notification configurations name an SNS topic (delivered locally). */
  readonly notifiesTopics: boolean;
}

interface Saved {
  created: Record<string, { created: string }>;
  notifications: Record<string, { xml: string; eventBridge: boolean }>;
}

export class BucketRegistry {
  private saved: Saved = { created: {}, notifications: {} };
  private readonly file: string;
  private readonly startedAt = new Date().toISOString();
  /** Each bucket's configuration parsed from its XML (read on every write to it), by bucket name. */
  private readonly parsed = new Map<string, NotifyConfig>();

  constructor(
    readonly s3Dir: string,
    private readonly declared: Readonly<Record<string, DeclaredBucket>>,
  ) {
    this.file = join(s3Dir, 'buckets.json');
    mkdirSync(join(s3Dir, 'buckets'), { recursive: true });
    if (existsSync(this.file)) {
      const raw = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Saved>;
      this.saved = { created: raw.created ?? {}, notifications: raw.notifications ?? {} };
    }
    for (const [name, d] of Object.entries(declared)) {
      checkBucketName(name);
      mkdirSync(d.path, { recursive: true });
    }
  }

  list(): Bucket[] {
    const names = new Set([...Object.keys(this.declared), ...Object.keys(this.saved.created)]);
    return [...names].sort().map((n) => this.get(n));
  }

  find(name: string): Bucket | undefined {
    const d = this.declared[name];
    const c = this.saved.created[name];
    if (!d && !c) return undefined;
    const n = this.saved.notifications[name];
    return {
      name,
      dir: d ? resolve(d.path) : join(this.s3Dir, 'buckets', name),
      created: c?.created ?? this.startedAt,
      declared: !!d,
      notificationXml: n?.xml,
      // (localbatch.yaml's `eventBridge: true` is the user's own declaration: a configuration put
      // through the API, such as a template's topic notifications, adds to it and does not turn it off)
      eventBridge: !!n?.eventBridge || !!d?.eventBridge,
      notifiesTopics: n ? this.notifyConfig(name).targets.some((t) => t.kind === 'Topic') : false,
    };
  }

  /** The bucket's notification configuration (none when it has none). */
  notifyConfig(name: string): NotifyConfig {
    const xml = this.saved.notifications[name]?.xml;
    if (xml === undefined) return { targets: [], eventBridge: false };
    let c = this.parsed.get(name);
    if (!c) {
      try {
        c = parseNotifyConfig(fromXml(Buffer.from(xml), 'NotificationConfiguration'));
      } catch {
        // (a configuration saved before it was checked, which no longer passes: delivers nothing)
        c = { targets: [], eventBridge: this.saved.notifications[name].eventBridge };
      }
      this.parsed.set(name, c);
    }
    return c;
  }

  get(name: string): Bucket {
    const b = this.find(name);
    if (!b) throw noSuchBucket(name);
    return b;
  }

  /** true when created, false when it already existed. */
  create(name: string, now: Date): boolean {
    checkBucketName(name);
    if (this.find(name)) return false;
    mkdirSync(join(this.s3Dir, 'buckets', name), { recursive: true });
    this.saved.created[name] = { created: now.toISOString() };
    this.save();
    return true;
  }

  delete(name: string): void {
    const b = this.get(name);
    if (b.declared) {
      throw new S3Error('InvalidRequest', 409, `The bucket ${name} is declared in localbatch.yaml (its folder is ${b.dir}); localbatch does not delete it. Remove it from localbatch.yaml instead.`, { BucketName: name });
    }
    if (existsSync(b.dir) && readdirSync(b.dir).length > 0) throw new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { BucketName: name });
    delete this.saved.created[name];
    delete this.saved.notifications[name];
    this.parsed.delete(name);
    this.save();
    try {
      rmdirSync(b.dir);
    } catch {
      // already gone
    }
  }

  setNotifications(name: string, xml: string, config: NotifyConfig): void {
    this.get(name);
    this.saved.notifications[name] = { xml, eventBridge: config.eventBridge };
    this.parsed.set(name, config);
    this.save();
  }

  private save(): void {
    writeDurableSync(this.file, JSON.stringify(this.saved, null, 2) + '\n');
  }
}
