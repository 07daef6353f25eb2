// The 'alerts' session feature: runs the alert engine on every sample (with the pool
// feature's latest read when there is one) and pushes each change as an `alert` event.
import type { AlertEvent, Alert, Limits, LimitsState } from '../../shared/alert-model';
import type { SessionContext, SessionFeature } from '../features/session-feature';
import { POOLS_FEATURE_NAME, type PoolsFeature } from '../pools/pools-feature-api';
import { AlertEngine, type AlertEngineOptions } from './alert-engine';
import { readFdLimit } from './limits';

export const ALERTS_FEATURE_NAME = 'alerts';

export interface AlertsFeature extends SessionFeature {
  readonly name: typeof ALERTS_FEATURE_NAME;
  limits(): LimitsState;
  setLimits(patch: Partial<Limits>): LimitsState;
  list(opts?: { activeOnly?: boolean }): Alert[];
  acknowledge(alertId: string): Alert | null;
}

export function createAlertsFeature(
  ctx: SessionContext,
  options: AlertEngineOptions = {},
): AlertsFeature {
  const engine = new AlertEngine(ctx.targetId, options);
  let disposed = false;
  const emit = (events: AlertEvent[]): void => {
    for (const e of events) ctx.emit('alert', e);
  };
  void readFdLimit(ctx.info.pid).then((n) => {
    if (!disposed) engine.setFdLimit(n);
  });
  const state = (): LimitsState => ({
    targetId: ctx.targetId,
    limits: engine.limits,
    effective: engine.effectiveLimits(),
  });
  return {
    name: ALERTS_FEATURE_NAME,
    onSample(sample) {
      if (disposed) return;
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
    setLimits(patch) {
      emit(engine.setLimits(patch, ctx.now()));
      return state();
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
