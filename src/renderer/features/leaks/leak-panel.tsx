// The leak verdict of one process: state and confidence, the post-GC growth, the
// suspects with their retainer path, Investigate (forced GC + the seed's rule), and
// the user's permissions for forced GCs and the snapshot series.
import type { LeakVerdict } from '../../../shared/alert-model';
import type { TargetInfo } from '../../../shared/model';
import { formatBytes } from '../../components/format';
import { alertsSelectors } from '../../store/alerts-slice';
import { useDashboard } from '../../store/store';
import { investigateLeak, setLeakOptions } from '../alerts/alerts-client';

export const LEAK_STATE_TEXT: Record<LeakVerdict['state'], string> = {
  'not-enough-data': 'Not enough data yet',
  stable: 'No leak',
  suspected: 'Leak suspected',
  leak: 'Leak',
};

export function confidenceText(v: LeakVerdict | null): string {
  return v?.confidence == null ? '–' : `${Math.round(v.confidence * 100)} %`;
}

export function growthText(v: LeakVerdict | null): string {
  if (v?.growthBytesPerMinute == null) return '–';
  const sign = v.growthBytesPerMinute >= 0 ? '+' : '−';
  return `${sign}${formatBytes(Math.abs(v.growthBytesPerMinute))}/min`;
}

export function LeakPanel({ target }: { target: TargetInfo }) {
  const v = useDashboard(alertsSelectors.leak(target.id));
  const busy = useDashboard(alertsSelectors.investigating(target.id));
  const detached = target.status === 'detached';
  return (
    <section className="card leak-panel" aria-label="Leak detection" data-testid="leak-panel">
      <header>
        <h3>Leak detection</h3>
        <p className="explain">
          Watches the heap that survives major GCs (Theil-Sen trend, Mann-Kendall confidence). On
          the memory chart, a leak is a rising floor under the heap-used sawtooth.
        </p>
      </header>
      <p className={`leak-state leak-${v?.state ?? 'none'}`} data-testid="leak-state">
        <strong>{v ? LEAK_STATE_TEXT[v.state] : 'Waiting for samples'}</strong>
        {v && (
          <span className="muted">
            {' '}
            · confidence {confidenceText(v)} · post-GC growth {growthText(v)} · {v.points}/
            {v.pointsNeeded} points
          </span>
        )}
      </p>
      {v && (
        <p className="leak-sentence" data-testid="leak-sentence">
          {v.sentence}
        </p>
      )}
      {v && v.suspects.length > 0 && (
        <ul className="leak-suspects" data-testid="leak-suspects">
          {v.suspects.map((s) => (
            <li key={s.className}>
              <strong>{s.className}</strong> +{Math.round(s.countPerMinute).toLocaleString()}{' '}
              objects/min ({s.counts.join(' → ')})
              {s.retainerPath && <div className="retainer-path muted">{s.retainerPath}</div>}
            </li>
          ))}
        </ul>
      )}
      {v?.investigation && <p className="muted">{v.investigation.sentence}</p>}
      {v && v.snapshots.state !== 'idle' && (
        <p className="muted" data-testid="leak-series">
          Snapshot series: {v.snapshots.state} ({v.snapshots.step}/{v.snapshots.total})
          {v.snapshots.message ? ` – ${v.snapshots.message}` : ''}
        </p>
      )}
      <div className="controls">
        <button
          type="button"
          className="primary"
          data-testid="leak-investigate"
          disabled={detached || busy}
          onClick={() => void investigateLeak(target.id)}
          title="Forces a full GC: if it frees less than half of the growth since the baseline, a leak is suspected."
        >
          {busy ? 'Investigating…' : 'Investigate'}
        </button>
        <label className="inline">
          <input
            type="checkbox"
            data-testid="leak-allow-snapshots"
            checked={v?.options.allowSnapshots ?? false}
            disabled={detached || !v}
            onChange={(e) => void setLeakOptions(target.id, { allowSnapshots: e.target.checked })}
          />
          Allow snapshots (3, spaced, when a leak is suspected; each pauses the process)
        </label>
        <label className="inline">
          <input
            type="checkbox"
            data-testid="leak-allow-gc"
            checked={v?.options.allowForcedGc ?? false}
            disabled={detached || !v}
            onChange={(e) => void setLeakOptions(target.id, { allowForcedGc: e.target.checked })}
          />
          Allow forced GCs (faster verdicts on quiet processes)
        </label>
      </div>
    </section>
  );
}

/** The leak verdict as a KPI card. */
export function LeakKpiCard({ targetId }: { targetId: string }) {
  const v = useDashboard(alertsSelectors.leak(targetId));
  return (
    <div className="card kpi" data-testid="kpi-leak">
      <div className="kpi-label">Leak verdict</div>
      <div className={`kpi-value leak-${v?.state ?? 'none'}`}>
        {v ? LEAK_STATE_TEXT[v.state] : '–'}
      </div>
      <div className="explain">
        {v && v.state !== 'not-enough-data'
          ? `Post-GC heap ${growthText(v)}, confidence ${confidenceText(v)}.`
          : 'Needs a few major GCs; press Investigate in the leak panel to get one now.'}
      </div>
    </div>
  );
}
