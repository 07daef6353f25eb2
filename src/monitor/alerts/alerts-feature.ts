// The 'alerts' session feature: runs the alert engine on every sample (with the pool
// feature's latest read when there is one) and pushes each change as an `alert` event.
import type { AlertEvent, Alert, Limits, LimitsState } from '../../shared/alert-model';
import type { SessionContext, SessionFeature } from '../features/session-feature';
import { POOLS_FEATURE_NAME, type PoolsFeature } from '../pools/pools-feature-api';
import { AlertEngine, type AlertEngineOptions } from './alert-engine';
import { memberName } from '../features/member-name';
import { readFdLimit } from './limits';

export const ALERTS_FEATURE_NAME = 'alerts';

export interface AlertsFeature extends SessionFeature {
  readonly name: typeof ALERTS_FEATURE_NAME;
  /** Waits for the target's RLIMIT_NOFILE read at attach, so `effective` is complete. */
  limits(): Promise<LimitsState>;
  setLimits(patch: Partial<Limits>): Promise<LimitsState>;
  list(opts?: { activeOnly?: boolean }): Alert[];
  acknowledge(alertId: string): Alert | null;
}

export function createAlertsFeature(
  ctx: SessionContext,
  options: AlertEngineOptions = {},
): AlertsFeature {
  const engine = new AlertEngine(ctx.targetId, { member: memberName(ctx.info), ...options });
  let disposed = false;
  const emit = (events: AlertEvent[]): void => {
    for (const e of events) ctx.emit('alert', e);
  };
  const fdRead = readFdLimit(ctx.info.pid).then((n) => {
    if (!disposed) engine.setFdLimit(n);
  });
  const state = async (): Promise<LimitsState> => {
    await fdRead;
    return snapshot();
  };
  const snapshot = (): LimitsState => ({
    targetId: ctx.targetId,
    limits: engine.limits,
    effective: engine.effectiveLimits(),
  });
  return {
    name: ALERTS_FEATURE_NAME,
    onSample(sample) {
      // Our own snapshot, forced GC or allocation sampling paused it: nothing to hold
      // against the target (the alert clock and windows skip the sample).
      if (disposed || sample.ownPause) return;
      const pools = ctx.feature<PoolsFeature>(POOLS_FEATURE_NAME);
      emit(
        engine.onSample(
          sample,
          pools
            ? { sample: pools.latest(), waitingForMs: (name) => pools.waitingForMs(name) }
            : null,
        ),
      );
    },
    limits: state,
    async setLimits(patch) {
      await fdRead;
      emit(engine.setLimits(patch, ctx.now()));
      return snapshot();
    },
    list: (opts) => engine.list(opts),
    acknowledge(alertId) {
      const alert = engine.acknowledge(alertId);
      if (alert) ctx.emit('alert', { targetId: ctx.targetId, change: 'acknowledged', alert });
      return alert;
    },
    dispose() {
      disposed = true;
    },
  };
}
