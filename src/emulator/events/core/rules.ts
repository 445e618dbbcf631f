/**
 * The rules of the default event bus and their targets, indexed so an event is matched only
 * against the rules that could match it: rules whose pattern requires `source` to be one of some
 * exact strings are found through those strings; the rest (and only they) are tried for every
 * event. Pure: no I/O; changes are reported to `onChange` for the journal.
 */
import type { Target } from '@aws-sdk/client-eventbridge';
import { matches, parsePattern, type CompiledPattern } from './pattern';

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** A rule as it is journaled and described. */
export interface RuleRecord {
  readonly Name: string;
  readonly Arn: string;
  readonly EventBusName: string;
  readonly EventPattern?: string;
  readonly ScheduleExpression?: string;
  readonly State: RuleState;
  readonly Description?: string;
  readonly RoleArn?: string;
  readonly CreatedBy: string;
  /**
   * When the rule got its current ScheduleExpression (epoch ms): a rate counts from here, as
   * EventBridge documents ("A rate expression starts when you create the scheduled event rule").
   */
  readonly CreatedAt?: number;
  /** Where the rule came from: 'api' or the template file that declares it. */
  readonly origin?: string;
  readonly Targets: readonly Target[];
}

export interface Rule {
  record: RuleRecord;
  readonly pattern?: CompiledPattern;
}

export const MAX_TARGETS_PER_RULE = 5;

export class RuleBook {
  private readonly rules = new Map<string, Rule>();
  private readonly bySource = new Map<string, Set<Rule>>();
  private readonly unindexed = new Set<Rule>();

  constructor(private readonly onChange: (name: string, record: RuleRecord | undefined) => void = () => {}) {}

  get size(): number {
    return this.rules.size;
  }

  get(name: string): Rule | undefined {
    return this.rules.get(name);
  }

  all(): Rule[] {
    return [...this.rules.values()].sort((a, b) => (a.record.Name < b.record.Name ? -1 : a.record.Name > b.record.Name ? 1 : 0));
  }

  /** Adds or replaces a rule (its pattern is parsed here: throws PatternError). */
  put(record: RuleRecord, journal = true): Rule {
    const rule: Rule = { record, pattern: record.EventPattern !== undefined ? parsePattern(record.EventPattern) : undefined };
    this.unindex(record.Name);
    this.rules.set(record.Name, rule);
    if (rule.pattern) {
      const sources = rule.pattern.sources;
      if (sources) {
        for (const s of sources) {
          let set = this.bySource.get(s);
          if (!set) this.bySource.set(s, (set = new Set()));
          set.add(rule);
        }
      } else this.unindexed.add(rule);
    }
    if (journal) this.onChange(record.Name, record);
    return rule;
  }

  /** Changes a rule's record (state, targets) without re-parsing its pattern. */
  update(name: string, change: (r: RuleRecord) => RuleRecord): RuleRecord | undefined {
    const rule = this.rules.get(name);
    if (!rule) return undefined;
    rule.record = change(rule.record);
    this.onChange(name, rule.record);
    return rule.record;
  }

  delete(name: string): boolean {
    if (!this.rules.has(name)) return false;
    this.unindex(name);
    this.rules.delete(name);
    this.onChange(name, undefined);
    return true;
  }

  /** Enabled rules with a pattern that `event` matches. */
  match(event: { readonly source?: unknown }): Rule[] {
    const out: Rule[] = [];
    const consider = (r: Rule): void => {
      if (r.record.State !== 'DISABLED' && r.pattern && matches(r.pattern, event)) out.push(r);
    };
    if (typeof event.source === 'string') this.bySource.get(event.source)?.forEach(consider);
    this.unindexed.forEach(consider);
    return out;
  }

  private unindex(name: string): void {
    const old = this.rules.get(name);
    if (!old) return;
    this.unindexed.delete(old);
    for (const s of old.pattern?.sources ?? []) {
      const set = this.bySource.get(s);
      set?.delete(old);
      if (set?.size === 0) this.bySource.delete(s);
    }
  }
}
