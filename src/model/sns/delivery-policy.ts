/**
 * SNS's HTTP/S delivery policy (SNS developer guide, "Amazon SNS message delivery retries"): how
 * often a failed delivery to an http/https subscriber is tried again. A topic's `DeliveryPolicy`
 * holds `http.defaultHealthyRetryPolicy` (and `disableSubscriptionOverrides`), a subscription's
 * `DeliveryPolicy` holds `healthyRetryPolicy`; without either, SNS retries 3 times, 20 seconds
 * apart. A retry policy has four phases: immediate retries, retries `minDelayTarget` apart, a
 * backoff from `minDelayTarget` to `maxDelayTarget`, retries `maxDelayTarget` apart; `numRetries`
 * counts them all. `requestPolicy.headerContentType` sets the notifications' content type.
 * Pure.
 */

export type BackoffFunction = 'linear' | 'arithmetic' | 'geometric' | 'exponential';

export interface RetryPolicy {
  readonly minDelayTarget: number;
  readonly maxDelayTarget: number;
  readonly numRetries: number;
  readonly numMaxDelayRetries: number;
  readonly numNoDelayRetries: number;
  readonly numMinDelayRetries: number;
  readonly backoffFunction: BackoffFunction;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' };
export const DEFAULT_CONTENT_TYPE = 'text/plain; charset=UTF-8';

/** SNS's limits on an HTTP/S retry policy. */
const MAX_RETRIES = 100;
const MAX_DELAY_SECONDS = 3600;
const BACKOFFS: readonly string[] = ['linear', 'arithmetic', 'geometric', 'exponential'];
const NUMBERS = ['minDelayTarget', 'maxDelayTarget', 'numRetries', 'numMaxDelayRetries', 'numNoDelayRetries', 'numMinDelayRetries'] as const;

type Json = Record<string, unknown>;

function object(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function parse(text: string | undefined): Json | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return object(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** What is wrong with a retry policy object (undefined: nothing). */
function retryProblem(p: Json, where: string): string | undefined {
  for (const k of Object.keys(p)) if (!(NUMBERS as readonly string[]).includes(k) && k !== 'backoffFunction') return `${where}: unknown field ${k}`;
  for (const k of NUMBERS) {
    const v = p[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) return `${where}.${k} must be a whole number of 0 or more`;
  }
  // (the CDK writes the backoff function in capitals: 'EXPONENTIAL')
  if (p.backoffFunction !== undefined && !BACKOFFS.includes(String(p.backoffFunction).toLowerCase())) return `${where}.backoffFunction must be one of ${BACKOFFS.join(', ')}`;
  const r = withDefaults(p);
  if (r.minDelayTarget < 1) return `${where}.minDelayTarget must be at least 1 second`;
  if (r.maxDelayTarget < r.minDelayTarget) return `${where}.maxDelayTarget must not be less than minDelayTarget`;
  if (r.maxDelayTarget > MAX_DELAY_SECONDS) return `${where}.maxDelayTarget must be at most ${MAX_DELAY_SECONDS} seconds`;
  if (r.numRetries > MAX_RETRIES) return `${where}.numRetries must be at most ${MAX_RETRIES}`;
  if (r.numNoDelayRetries + r.numMinDelayRetries + r.numMaxDelayRetries > r.numRetries) return `${where}: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must not exceed numRetries`;
  const total = retryDelays(r).reduce((a, b) => a + b, 0);
  if (total > MAX_DELAY_SECONDS) return `${where}: its retries take ${total} seconds in all; an HTTP/S policy's may take at most ${MAX_DELAY_SECONDS}`;
  return undefined;
}

function requestProblem(p: unknown, where: string): string | undefined {
  if (p === undefined) return undefined;
  const o = object(p);
  if (!o || (o.headerContentType !== undefined && typeof o.headerContentType !== 'string')) return `${where} must be an object with a headerContentType string`;
  if (typeof o.headerContentType === 'string' && !/^[\t\x20-\x7e]*$/.test(o.headerContentType)) return `${where}.headerContentType must be a header value (printable characters, no line breaks)`;
  return undefined;
}

function withDefaults(p: Json | undefined): RetryPolicy {
  const out: Record<string, unknown> = { ...DEFAULT_RETRY_POLICY };
  for (const k of [...NUMBERS, 'backoffFunction']) if (p?.[k] !== undefined) out[k] = p[k];
  if (typeof out.backoffFunction === 'string') out.backoffFunction = out.backoffFunction.toLowerCase();
  return out as unknown as RetryPolicy;
}

/** A retry policy as given, if SNS would take it (one stored before these checks may not be). */
function usable(p: Json | undefined, where: string): Json | undefined {
  return p && retryProblem(p, where) === undefined ? p : undefined;
}

/** Checks a DeliveryPolicy attribute's JSON as SNS does; returns the problem, or undefined. */
export function deliveryPolicyProblem(text: string, of: 'topic' | 'subscription'): string | undefined {
  const p = parse(text);
  if (!p) return 'the value must be a JSON object';
  if (of === 'subscription') {
    if (p.http !== undefined) return 'a subscription\'s policy has no http member: put healthyRetryPolicy at its top level';
    const retry = p.healthyRetryPolicy;
    if (retry !== undefined && !object(retry)) return 'healthyRetryPolicy must be an object';
    return (object(retry) && retryProblem(object(retry)!, 'healthyRetryPolicy')) || requestProblem(p.requestPolicy, 'requestPolicy');
  }
  if (p.healthyRetryPolicy !== undefined) return 'a topic\'s retry policy goes under http.defaultHealthyRetryPolicy';
  const http = p.http;
  if (http === undefined) return undefined;
  const h = object(http);
  if (!h) return 'http must be an object';
  const retry = h.defaultHealthyRetryPolicy;
  if (retry !== undefined && !object(retry)) return 'http.defaultHealthyRetryPolicy must be an object';
  if (h.disableSubscriptionOverrides !== undefined && typeof h.disableSubscriptionOverrides !== 'boolean') return 'http.disableSubscriptionOverrides must be true or false';
  return (object(retry) && retryProblem(object(retry)!, 'http.defaultHealthyRetryPolicy')) || requestProblem(h.defaultRequestPolicy, 'http.defaultRequestPolicy');
}

/** The members SNS documents for a subscription's DeliveryPolicy. */
const SUBSCRIPTION_MEMBERS = ['healthyRetryPolicy', 'sicklyRetryPolicy', 'throttlePolicy', 'requestPolicy', 'guaranteed'];

/**
 * Members of a subscription's DeliveryPolicy JSON that SNS does not document (a misspelt
 * `healthyRetryPolicy` is no retry policy: the default one applies); [] when it is no JSON object.
 */
export function unknownDeliveryPolicyMembers(text: string): string[] {
  const p = parse(text);
  return p ? Object.keys(p).filter((k) => k !== 'http' && !SUBSCRIPTION_MEMBERS.includes(k)) : [];
}

export interface EffectivePolicy {
  readonly retry: RetryPolicy;
  readonly contentType: string;
}

/** The policy an http/https subscription's deliveries follow: its own, else its topic's, else SNS's default. */
export function effectivePolicy(topicPolicy: string | undefined, subscriptionPolicy: string | undefined): EffectivePolicy {
  const http = object(parse(topicPolicy)?.http);
  const sub = http?.disableSubscriptionOverrides === true ? undefined : parse(subscriptionPolicy);
  const retry = usable(object(sub?.healthyRetryPolicy), 'healthyRetryPolicy') ?? usable(object(http?.defaultHealthyRetryPolicy), 'http.defaultHealthyRetryPolicy');
  const contentType = [object(sub?.requestPolicy)?.headerContentType, object(http?.defaultRequestPolicy)?.headerContentType].find((t) => typeof t === 'string' && t !== '' && /^[\t\x20-\x7e]*$/.test(t));
  return { retry: withDefaults(retry), contentType: typeof contentType === 'string' ? contentType : DEFAULT_CONTENT_TYPE };
}

/** The topic's EffectiveDeliveryPolicy attribute, in the shape SNS reports it. */
export function topicEffectivePolicy(topicPolicy: string | undefined): string {
  const http = object(parse(topicPolicy)?.http);
  const e = effectivePolicy(topicPolicy, undefined);
  return JSON.stringify({ http: { defaultHealthyRetryPolicy: e.retry, disableSubscriptionOverrides: http?.disableSubscriptionOverrides === true, defaultRequestPolicy: { headerContentType: e.contentType } } });
}

/** A subscription's EffectiveDeliveryPolicy attribute. */
export function subscriptionEffectivePolicy(topicPolicy: string | undefined, subscriptionPolicy: string | undefined): string {
  const e = effectivePolicy(topicPolicy, subscriptionPolicy);
  return JSON.stringify({ healthyRetryPolicy: e.retry, requestPolicy: { headerContentType: e.contentType } });
}

/**
 * The delay in seconds before each retry, in order: the immediate ones (0), the ones
 * `minDelayTarget` apart, the backoff phase's rising from `minDelayTarget` to `maxDelayTarget`
 * (evenly for linear and arithmetic, by a constant factor for geometric and exponential; SNS does
 * not publish its curves and adds jitter, which is left out here), then `maxDelayTarget` apart.
 */
export function retryDelays(p: RetryPolicy): number[] {
  const backoff = Math.max(0, p.numRetries - p.numNoDelayRetries - p.numMinDelayRetries - p.numMaxDelayRetries);
  const out: number[] = [];
  for (let i = 0; i < p.numNoDelayRetries; i++) out.push(0);
  for (let i = 0; i < p.numMinDelayRetries; i++) out.push(p.minDelayTarget);
  for (let i = 0; i < backoff; i++) {
    const t = backoff === 1 ? 1 : i / (backoff - 1);
    const even = p.backoffFunction === 'linear' || p.backoffFunction === 'arithmetic';
    out.push(Math.round(even ? p.minDelayTarget + (p.maxDelayTarget - p.minDelayTarget) * t : p.minDelayTarget * (p.maxDelayTarget / p.minDelayTarget) ** t));
  }
  for (let i = 0; i < p.numMaxDelayRetries; i++) out.push(p.maxDelayTarget);
  return out.slice(0, p.numRetries);
}
