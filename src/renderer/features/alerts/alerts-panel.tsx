// Alerts of one process: the active ones with their sentence and an acknowledge button,
// the recent ended ones, and the limits editor (values like 512MB, 200ms, off).
import { useEffect, useState, type FormEvent } from 'react';
import { LIMIT_KEYS, type Alert, type LimitKey, type Limits } from '../../../shared/alert-model';
import type { TargetInfo } from '../../../shared/model';
import { formatBytes } from '../../components/format';
import { alertsSelectors } from '../../store/alerts-slice';
import { useDashboard } from '../../store/store';
import { acknowledgeAlert, loadLimits, saveLimits } from './alerts-client';

const LIMIT_LABELS: Record<LimitKey, string> = {
  rssBytes: 'RSS',
  heapUsedBytes: 'Heap used',
  openFds: 'Open files',
  threads: 'Threads',
  activeHandles: 'Handles',
  cpuPercent: 'CPU %',
  eventLoopDelayP99Ms: 'Event loop p99 (ms)',
  gcPauseMsPerSecond: 'GC ms per s',
  poolUtilizationPercent: 'Pool use %',
};

const BYTE_KEYS = new Set<LimitKey>(['rssBytes', 'heapUsedBytes']);

function limitText(key: LimitKey, v: number | null): string {
  if (v === null) return '';
  return BYTE_KEYS.has(key) ? `${Math.round(v / 1024 ** 2)}MB` : String(Math.round(v * 100) / 100);
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}

function AlertRow({ alert }: { alert: Alert }) {
  const active = alert.endMs === null;
  return (
    <li
      className={`alert-row alert-${alert.severity}${active ? ' active' : ' ended'}`}
      data-testid={`alert-${alert.rule}`}
    >
      <div className="alert-head">
        <span className={`badge alert-${alert.severity}`}>{alert.severity}</span>{' '}
        <strong>{alert.rule}</strong>
        {alert.subject !== undefined && <span> · {alert.subject}</span>}
        <span className="muted">
          {' '}
          · {time(alert.startMs)}
          {alert.endMs !== null ? ` – ${time(alert.endMs)}` : ' – now'}
        </span>
      </div>
      <p className="alert-message">{alert.message}</p>
      {active && !alert.acknowledged && (
        <button
          type="button"
          data-testid="alert-ack"
          onClick={() => void acknowledgeAlert(alert.targetId, alert.id)}
        >
          Acknowledge
        </button>
      )}
      {alert.acknowledged && <span className="muted">acknowledged</span>}
    </li>
  );
}

function LimitsEditor({ target }: { target: TargetInfo }) {
  const state = useDashboard(alertsSelectors.limits(target.id));
  const [draft, setDraft] = useState<Partial<Record<LimitKey, string>>>({});
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open && !state) void loadLimits(target.id);
  }, [open, state, target.id]);
  const detached = target.status === 'detached';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const patch: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(draft)) {
      patch[k] = v.trim() === '' ? null : v.trim();
    }
    if (await saveLimits(target.id, patch)) setDraft({});
  };
  if (!open) {
    return (
      <button type="button" data-testid="limits-edit" onClick={() => setOpen(true)}>
        Edit limits
      </button>
    );
  }
  const effective: Limits | null = state?.effective ?? null;
  return (
    <form className="limits-editor" onSubmit={(e) => void submit(e)} data-testid="limits-form">
      <p className="explain">
        Warning at 80 %, critical at 90 % of a limit; an alert ends once the value stays below 75 %
        for 10 s. Empty = off (heap and open files: the target&apos;s own limit).
      </p>
      <div className="limits-grid">
        {LIMIT_KEYS.map((key) => (
          <label key={key} className="inline">
            {LIMIT_LABELS[key]}
            <input
              data-testid={`limit-${key}`}
              value={draft[key] ?? limitText(key, state?.limits[key] ?? null)}
              placeholder={
                effective?.[key] != null
                  ? BYTE_KEYS.has(key)
                    ? formatBytes(effective[key])
                    : String(effective[key])
                  : 'off'
              }
              onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
              disabled={detached}
              size={8}
            />
          </label>
        ))}
      </div>
      <button type="submit" className="primary" disabled={detached} data-testid="limits-save">
        Save limits
      </button>{' '}
      <button type="button" onClick={() => setOpen(false)}>
        Close
      </button>
    </form>
  );
}

export function AlertsPanel({ target }: { target: TargetInfo }) {
  const alerts = useDashboard(alertsSelectors.alerts(target.id));
  const active = alerts.filter((a) => a.endMs === null);
  const ended = alerts.filter((a) => a.endMs !== null).slice(0, 10);
  return (
    <section className="card alerts-panel" aria-label="Alerts" data-testid="alerts-panel">
      <header>
        <h3>Alerts</h3>
        <p className="explain">
          Limits on memory, files, threads, handles, CPU, event loop, GC and pools, plus Clinic
          Doctor&apos;s event-loop and GC rules.
        </p>
      </header>
      {active.length === 0 ? (
        <p className="muted" data-testid="alerts-none">
          No active alerts.
        </p>
      ) : (
        <ul className="alert-list">
          {active.map((a) => (
            <AlertRow key={a.id} alert={a} />
          ))}
        </ul>
      )}
      {ended.length > 0 && (
        <details>
          <summary>Recent ({ended.length})</summary>
          <ul className="alert-list">
            {ended.map((a) => (
              <AlertRow key={a.id} alert={a} />
            ))}
          </ul>
        </details>
      )}
      <LimitsEditor target={target} />
    </section>
  );
}
