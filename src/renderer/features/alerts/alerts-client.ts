// The alerts' and leaks' part of the client layer: pushed `alert` and `leak` events and
// request answers become store writes; the panels' buttons become requests here.
// commands.ts hands it the connection; components never see the transport.
import type {
  Alert,
  AlertEvent,
  LeakOptions,
  LeakVerdict,
  LimitsState,
  Recommendation,
} from '../../../shared/alert-model';
import type { MonitorApi } from '../../../shared/contract';
import type { TargetId } from '../../../shared/model';
import { actions } from '../../store/actions';
import { applyAlertEvent } from '../../store/alerts-slice';
import { dashboardStore, type DashboardStore } from '../../store/store';

export function bindAlertsActions(store: DashboardStore) {
  const { setState } = store;
  return {
    alertEvent: (e: AlertEvent) => setState((s) => applyAlertEvent(s, e)),
    alertsReceived: (targetId: TargetId, alerts: Alert[]) =>
      setState((s) => ({ alertsByTarget: { ...s.alertsByTarget, [targetId]: alerts } })),
    limitsReceived: (l: LimitsState) =>
      setState((s) => ({ limitsByTarget: { ...s.limitsByTarget, [l.targetId]: l } })),
    leakReceived: (v: LeakVerdict) =>
      setState((s) => ({ leakByTarget: { ...s.leakByTarget, [v.targetId]: v } })),
    recommendationsReceived: (targetId: TargetId, recs: Recommendation[]) =>
      setState((s) => ({
        recommendationsByTarget: { ...s.recommendationsByTarget, [targetId]: recs },
      })),
    setInvestigating: (targetId: TargetId, busy: boolean) =>
      setState((s) => {
        const investigating = { ...s.investigating };
        if (busy) investigating[targetId] = true;
        else delete investigating[targetId];
        return { investigating };
      }),
  };
}

export const alertsActions = bindAlertsActions(dashboardStore);

let monitor: MonitorApi | null = null;

/** Called by startClient: subscribes alert and leak events; returns the unsubscribe. */
export function connectAlerts(api: MonitorApi): () => void {
  monitor = api;
  const offAlert = api.on('alert', (e) => alertsActions.alertEvent(e));
  const offLeak = api.on('leak', (v) => alertsActions.leakReceived(v));
  return () => {
    offAlert();
    offLeak();
    monitor = null;
  };
}

/** After a (re)connect: alert logs, limits and verdicts of every known target (F26). */
export async function rehydrateAlerts(api: MonitorApi, targetIds: TargetId[]): Promise<void> {
  await Promise.all(
    targetIds.map(async (targetId) => {
      const [alerts, limits, leak] = await Promise.all([
        api.getAlerts({ targetId }).catch(() => null),
        api.getLimits({ targetId }).catch(() => null),
        api.getLeakVerdict({ targetId }).catch(() => null),
      ]);
      if (alerts) alertsActions.alertsReceived(targetId, alerts);
      if (limits) alertsActions.limitsReceived(limits);
      if (leak) alertsActions.leakReceived(leak);
    }),
  );
}

async function request<T>(work: (api: MonitorApi) => Promise<T>): Promise<T | undefined> {
  if (!monitor) return undefined;
  try {
    return await work(monitor);
  } catch (err) {
    actions.showError(err);
    return undefined;
  }
}

export async function acknowledgeAlert(targetId: TargetId, alertId: string): Promise<void> {
  await request((api) => api.acknowledgeAlert({ targetId, alertId }));
}

export async function loadLimits(targetId: TargetId): Promise<void> {
  const l = await request((api) => api.getLimits({ targetId }));
  if (l) alertsActions.limitsReceived(l);
}

/** Values as typed by the user ("512MB", "off", "90"); the core validates them. */
export async function saveLimits(
  targetId: TargetId,
  limits: Record<string, string | number | null>,
): Promise<boolean> {
  const l = await request((api) => api.setLimits({ targetId, limits }));
  if (l) alertsActions.limitsReceived(l);
  return l !== undefined;
}

export async function investigateLeak(targetId: TargetId): Promise<void> {
  alertsActions.setInvestigating(targetId, true);
  try {
    const v = await request((api) => api.investigateLeak({ targetId }));
    if (v) alertsActions.leakReceived(v);
  } finally {
    alertsActions.setInvestigating(targetId, false);
  }
}

export async function setLeakOptions(
  targetId: TargetId,
  options: Partial<LeakOptions>,
): Promise<void> {
  const v = await request((api) => api.setLeakOptions({ targetId, options }));
  if (v) alertsActions.leakReceived(v);
}

export async function refreshRecommendations(targetId: TargetId): Promise<void> {
  if (!monitor) return;
  const recs = await monitor.getRecommendations({ targetId }).catch(() => null);
  if (recs) alertsActions.recommendationsReceived(targetId, recs);
}
