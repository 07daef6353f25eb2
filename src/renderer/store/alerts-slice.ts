// Alerts, limits, leak verdicts and recommendations per target. Pure data and update
// functions; the writers are in features/alerts/alerts-client.ts.
import type {
  Alert,
  AlertEvent,
  LeakVerdict,
  LimitsState,
  Recommendation,
} from '../../shared/alert-model';
import type { TargetId } from '../../shared/model';

/** Alerts kept per target in the UI (the core keeps 1000). */
export const UI_ALERT_CAP = 200;

export interface AlertsSlice {
  /** Newest first. */
  alertsByTarget: Record<TargetId, Alert[]>;
  limitsByTarget: Record<TargetId, LimitsState>;
  leakByTarget: Record<TargetId, LeakVerdict>;
  recommendationsByTarget: Record<TargetId, Recommendation[]>;
  /** Targets with an investigation in flight. */
  investigating: Record<TargetId, true>;
}

export const initialAlertsSlice: AlertsSlice = {
  alertsByTarget: {},
  limitsByTarget: {},
  leakByTarget: {},
  recommendationsByTarget: {},
  investigating: {},
};

/** Replaces the alert with the same id or puts it first; bounded. */
export function applyAlertEvent(
  state: Pick<AlertsSlice, 'alertsByTarget'>,
  e: AlertEvent,
): Pick<AlertsSlice, 'alertsByTarget'> {
  const current = state.alertsByTarget[e.targetId] ?? [];
  const i = current.findIndex((a) => a.id === e.alert.id);
  const next = i >= 0 ? current.map((a, k) => (k === i ? e.alert : a)) : [e.alert, ...current];
  return {
    alertsByTarget: {
      ...state.alertsByTarget,
      [e.targetId]: next.length > UI_ALERT_CAP ? next.slice(0, UI_ALERT_CAP) : next,
    },
  };
}

const NO_ALERTS: Alert[] = [];
const NO_RECS: Recommendation[] = [];

export interface AlertBadgeInfo {
  count: number;
  severity: 'warning' | 'critical' | null;
  unacknowledged: number;
}

/** Active alerts of a target, for the badge in the process list. */
export function badgeInfo(alerts: readonly Alert[]): AlertBadgeInfo {
  let count = 0;
  let unacknowledged = 0;
  let severity: AlertBadgeInfo['severity'] = null;
  for (const a of alerts) {
    if (a.endMs !== null) continue;
    count++;
    if (!a.acknowledged) unacknowledged++;
    if (a.severity === 'critical') severity = 'critical';
    else severity ??= 'warning';
  }
  return { count, severity, unacknowledged };
}

export const alertsSelectors = {
  alerts:
    (id: TargetId) =>
    (s: AlertsSlice): Alert[] =>
      s.alertsByTarget[id] ?? NO_ALERTS,
  limits:
    (id: TargetId) =>
    (s: AlertsSlice): LimitsState | null =>
      s.limitsByTarget[id] ?? null,
  leak:
    (id: TargetId) =>
    (s: AlertsSlice): LeakVerdict | null =>
      s.leakByTarget[id] ?? null,
  recommendations:
    (id: TargetId) =>
    (s: AlertsSlice): Recommendation[] =>
      s.recommendationsByTarget[id] ?? NO_RECS,
  investigating:
    (id: TargetId) =>
    (s: AlertsSlice): boolean =>
      s.investigating[id] === true,
};
