// Request handlers for limits, alerts, leak verdicts and recommendations. The resource
// manager delegates here with one line per request; `lookup` finds a session's feature
// (detached targets too, so their alert log and verdict stay readable).
import type {
  Alert,
  LeakOptions,
  LeakVerdict,
  LimitsState,
  Recommendation,
} from '../../shared/alert-model';
import type { RequestArgs } from '../../shared/contract';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { SessionContext, SessionFeature } from '../features/session-feature';
import { LEAKS_FEATURE_NAME, type LeaksFeature } from '../leaks/leaks-feature';
import { POOLS_FEATURE_NAME, type PoolsFeature } from '../pools/pools-feature-api';
import { recommend, RECENT_MS } from '../recommendations/recommend';
import { ALERTS_FEATURE_NAME, type AlertsFeature } from './alerts-feature';
import { validateLimitsPatch } from './limits';

export type FeatureLookup = <F extends SessionFeature>(
  targetId: unknown,
  name: string,
  opts: { live: boolean },
) => { context: SessionContext; feature: F };

function bad(message: string): MonitorError {
  return new MonitorError(ErrorCodes.BAD_ARGUMENT, message);
}

function obj(args: unknown): Record<string, unknown> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw bad('Arguments must be an object.');
  }
  return args as Record<string, unknown>;
}

const LEAK_OPTION_KEYS = {
  allowSnapshots: 'boolean',
  allowForcedGc: 'boolean',
  forcedGcIntervalMs: 'number',
  snapshotSpacingMs: 'number',
  confirmSnapshots: 'boolean',
} as const;

export function validateLeakOptions(value: unknown): Partial<LeakOptions> {
  const o = obj(value);
  const out: Partial<LeakOptions> = {};
  for (const [k, v] of Object.entries(o)) {
    const type = LEAK_OPTION_KEYS[k as keyof typeof LEAK_OPTION_KEYS];
    if (!type) throw bad(`Unknown leak option ${JSON.stringify(k.slice(0, 60))}.`);
    if (type === 'boolean') {
      if (typeof v !== 'boolean') throw bad(`${k} must be true or false.`);
      (out as Record<string, unknown>)[k] = v;
    } else {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1_000 || v > 3_600_000) {
        throw bad(`${k} must be a whole number of ms between 1000 and 3600000.`);
      }
      (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

export class AlertRequests {
  constructor(private readonly lookup: FeatureLookup) {}

  #alerts(targetId: unknown, live = false) {
    return this.lookup<AlertsFeature>(targetId, ALERTS_FEATURE_NAME, { live });
  }

  #leaks(targetId: unknown, live = false) {
    return this.lookup<LeaksFeature>(targetId, LEAKS_FEATURE_NAME, { live });
  }

  async getLimits(args: RequestArgs<'getLimits'>): Promise<LimitsState> {
    return this.#alerts(obj(args).targetId).feature.limits();
  }

  async setLimits(args: RequestArgs<'setLimits'>): Promise<LimitsState> {
    const a = obj(args);
    const patch = validateLimitsPatch(a.limits);
    return this.#alerts(a.targetId, true).feature.setLimits(patch);
  }

  async getAlerts(args: RequestArgs<'getAlerts'>): Promise<Alert[]> {
    const a = obj(args);
    if (a.activeOnly !== undefined && typeof a.activeOnly !== 'boolean') {
      throw bad('activeOnly must be true or false.');
    }
    return this.#alerts(a.targetId).feature.list({ activeOnly: a.activeOnly === true });
  }

  async acknowledgeAlert(args: RequestArgs<'acknowledgeAlert'>): Promise<Alert> {
    const a = obj(args);
    if (typeof a.alertId !== 'string' || a.alertId.length === 0 || a.alertId.length > 300) {
      throw bad('alertId must be a non-empty string.');
    }
    const alert = this.#alerts(a.targetId).feature.acknowledge(a.alertId);
    if (!alert) throw bad(`No alert with id ${a.alertId} on this target.`);
    return alert;
  }

  async getLeakVerdict(args: RequestArgs<'getLeakVerdict'>): Promise<LeakVerdict> {
    return this.#leaks(obj(args).targetId).feature.verdict();
  }

  async investigateLeak(args: RequestArgs<'investigateLeak'>): Promise<LeakVerdict> {
    return this.#leaks(obj(args).targetId, true).feature.investigate();
  }

  async setLeakOptions(args: RequestArgs<'setLeakOptions'>): Promise<LeakVerdict> {
    const a = obj(args);
    const patch = validateLeakOptions(a.options);
    return this.#leaks(a.targetId, true).feature.setOptions(patch);
  }

  async getRecommendations(args: RequestArgs<'getRecommendations'>): Promise<Recommendation[]> {
    const { context, feature: alerts } = this.#alerts(obj(args).targetId);
    const nowMs = context.info.detachedAtMs ?? context.now();
    const fromMs = nowMs - RECENT_MS;
    const pools = context.feature<PoolsFeature>(POOLS_FEATURE_NAME);
    const leaks = context.feature<LeaksFeature>(LEAKS_FEATURE_NAME);
    return recommend({
      targetId: context.targetId,
      nowMs,
      samples: context.history.query({ fromMs }),
      pools: pools ? pools.history(fromMs) : [],
      alerts: alerts.list({ activeOnly: true }),
      leak: leaks ? leaks.verdict() : null,
      limits: (await alerts.limits()).effective,
    });
  }
}
