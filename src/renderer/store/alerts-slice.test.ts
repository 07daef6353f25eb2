import { describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/alert-model';
import { UI_ALERT_CAP, applyAlertEvent, badgeInfo } from './alerts-slice';

const alert = (over: Partial<Alert>): Alert => ({
  id: 'a1',
  targetId: 't1',
  rule: 'rss',
  severity: 'warning',
  startMs: 1,
  endMs: null,
  value: 85,
  peakValue: 85,
  limit: 100,
  unit: 'bytes',
  message: 'RSS is high.',
  acknowledged: false,
  ...over,
});

describe('alerts slice', () => {
  it('an event replaces the alert with the same id, new ones go first, bounded', () => {
    let s = { alertsByTarget: {} as Record<string, Alert[]> };
    s = applyAlertEvent(s, { targetId: 't1', change: 'raised', alert: alert({}) });
    s = applyAlertEvent(s, { targetId: 't1', change: 'raised', alert: alert({ id: 'a2' }) });
    s = applyAlertEvent(s, {
      targetId: 't1',
      change: 'updated',
      alert: alert({ severity: 'critical' }),
    });
    expect(s.alertsByTarget.t1!.map((a) => [a.id, a.severity])).toEqual([
      ['a2', 'warning'],
      ['a1', 'critical'],
    ]);
    for (let i = 0; i < UI_ALERT_CAP + 5; i++) {
      s = applyAlertEvent(s, { targetId: 't1', change: 'raised', alert: alert({ id: `x${i}` }) });
    }
    expect(s.alertsByTarget.t1).toHaveLength(UI_ALERT_CAP);
  });

  it('badge: active alerts only, worst severity, unacknowledged count', () => {
    expect(badgeInfo([])).toEqual({ count: 0, severity: null, unacknowledged: 0 });
    expect(
      badgeInfo([
        alert({}),
        alert({ id: 'b', severity: 'critical', acknowledged: true }),
        alert({ id: 'c', endMs: 5, severity: 'critical' }),
      ]),
    ).toEqual({ count: 2, severity: 'critical', unacknowledged: 1 });
  });
});
