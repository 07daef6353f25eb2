// Alert starts as timeline markers, drawn on the charts with the GC and snapshot ones.
import { useMemo } from 'react';
import type { Alert } from '../../../shared/alert-model';
import type { TimelineMarker } from '../../../shared/heap-tools-model';
import type { TargetId } from '../../../shared/model';
import { alertsSelectors } from '../../store/alerts-slice';
import { useDashboard } from '../../store/store';

export function alertMarkers(alerts: readonly Alert[]): TimelineMarker[] {
  return alerts.map((a) => ({
    targetId: a.targetId,
    atMs: a.startMs,
    kind: 'alert',
    label: `${a.severity === 'critical' ? '!!' : '!'} ${a.rule}`,
  }));
}

/** `markers` plus the target's alert starts, oldest first. */
export function useWithAlertMarkers(
  targetId: TargetId,
  markers: readonly TimelineMarker[] | undefined,
): TimelineMarker[] {
  const alerts = useDashboard(alertsSelectors.alerts(targetId));
  return useMemo(
    () => [...(markers ?? []), ...alertMarkers(alerts)].sort((a, b) => a.atMs - b.atMs),
    [markers, alerts],
  );
}
