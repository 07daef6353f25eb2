// The per-process alert badge in the target list: how many alerts are active, coloured
// by the worst severity. Nothing when none is active.
import { useMemo } from 'react';
import type { TargetId } from '../../../shared/model';
import { alertsSelectors, badgeInfo } from '../../store/alerts-slice';
import { useDashboard } from '../../store/store';
import './alerts.css';

export function AlertBadge({ targetId }: { targetId: TargetId }) {
  const alerts = useDashboard(alertsSelectors.alerts(targetId));
  const info = useMemo(() => badgeInfo(alerts), [alerts]);
  if (info.count === 0) return null;
  const title = alerts
    .filter((a) => a.endMs === null)
    .map((a) => a.message)
    .join('\n');
  return (
    <span
      className={`badge alert-badge alert-${info.severity ?? 'warning'}${info.unacknowledged === 0 ? ' acknowledged' : ''}`}
      data-testid={`alert-badge-${targetId}`}
      title={title}
    >
      {info.count} {info.count === 1 ? 'alert' : 'alerts'}
    </span>
  );
}
