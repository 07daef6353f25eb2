// Analysis of library snapshots: the summary by class (retained size as DevTools
// shows it) and the per-class diff of two snapshots. Class names are hostile: text only.
import { useState } from 'react';
import type { SnapshotRecord } from '../../../shared/heap-tools-model';
import { formatBytes, formatClock, formatCount, plural } from '../../components/format';
import { heapToolsSelectors } from '../../store/heap-tools-slice';
import { useDashboard } from '../../store/store';
import { diffSnapshots } from './heap-tools-client';
import { exploreClass, exploreNewObjects } from './explorer-client';
import { snapshotHeading } from './snapshot-heading';

function label(s: SnapshotRecord): string {
  return `${formatClock(s.createdAtMs)} ${s.title}${s.pid !== null ? ` (PID ${s.pid})` : ''}`;
}

const signed = (n: number, fmt: (v: number) => string): string =>
  n > 0 ? `+${fmt(n)}` : n < 0 ? `−${fmt(-n)}` : '0';

export function SnapshotSummaryTable() {
  const current = useDashboard(heapToolsSelectors.analysis);
  const busy = useDashboard(heapToolsSelectors.busy('analyze'));
  const library = useDashboard(heapToolsSelectors.library);
  // "Today" for the heading's date: when this summary was first shown is close enough.
  const [nowMs] = useState(() => Date.now());
  if (busy) return <p className="muted">Analysing in a separate process…</p>;
  if (!current) return null;
  const { summary } = current.analysis;
  const record = library?.snapshots.find((s) => s.id === current.snapshotId);
  const heading = snapshotHeading(record, current.snapshotId, nowMs);
  return (
    <div data-testid="snapshot-summary">
      <h4 data-testid="snapshot-summary-title">
        {heading.title}{' '}
        <small className="muted" data-testid="snapshot-summary-id">
          {heading.id}
        </small>
      </h4>
      <p className="muted">
        {plural(summary.nodeCount, 'object')}, {formatBytes(summary.reachableShallowBytes)}{' '}
        reachable
      </p>
      <table className="heap-table">
        <thead>
          <tr>
            <th>Class</th>
            <th className="num">Objects</th>
            <th className="num">Shallow</th>
            <th className="num">Retained</th>
          </tr>
        </thead>
        <tbody>
          {summary.constructors.map((c) => (
            <tr key={c.name} data-testid="summary-row">
              <td>
                <button
                  type="button"
                  className="link"
                  data-testid="summary-explore"
                  title="Open this class's instances in the heap explorer, biggest retained first"
                  onClick={() => void exploreClass(current.snapshotId, c.name)}
                >
                  {c.name}
                </button>
              </td>
              <td className="num">{formatCount(c.count)}</td>
              <td className="num">{formatBytes(c.shallowBytes)}</td>
              <td className="num">{formatBytes(c.retainedBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SnapshotDiffPanel({ snapshots }: { snapshots: SnapshotRecord[] }) {
  const current = useDashboard(heapToolsSelectors.diff);
  const busy = useDashboard(heapToolsSelectors.busy('diff'));
  // Library order is newest first: default to the two newest, older as "before".
  const [beforeId, setBefore] = useState<string>('');
  const [afterId, setAfter] = useState<string>('');
  if (snapshots.length < 2) return null;
  const before = beforeId || snapshots[1]!.id;
  const after = afterId || snapshots[0]!.id;
  return (
    <div className="heap-diff">
      <div className="inline">
        <label className="inline">
          Before
          <select
            value={before}
            onChange={(e) => setBefore(e.target.value)}
            data-testid="diff-before"
          >
            {snapshots.map((s) => (
              <option key={s.id} value={s.id}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          After
          <select value={after} onChange={(e) => setAfter(e.target.value)} data-testid="diff-after">
            {snapshots.map((s) => (
              <option key={s.id} value={s.id}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={busy}
          data-testid="diff-button"
          onClick={() => void diffSnapshots(before, after)}
        >
          {busy ? 'Comparing…' : 'Diff'}
        </button>
      </div>
      {current && (
        <div data-testid="snapshot-diff">
          <h4>
            {plural(current.diff.totals.addedCount, 'object')} added,{' '}
            {formatCount(current.diff.totals.removedCount)} removed,{' '}
            {signed(current.diff.totals.sizeDeltaBytes, formatBytes)}
          </h4>
          {current.diff.warnings.map((w, i) => (
            <p key={i} className="warning-banner">
              {w}
            </p>
          ))}
          <table className="heap-table">
            <thead>
              <tr>
                <th>Class</th>
                <th className="num">Objects ±</th>
                <th className="num">Size ±</th>
                <th className="num">Added</th>
                <th className="num">Removed</th>
              </tr>
            </thead>
            <tbody>
              {current.diff.perConstructor.map((c) => (
                <tr key={c.name} data-testid="diff-row">
                  <td>
                    {c.addedCount > 0 ? (
                      <button
                        type="button"
                        className="link"
                        data-testid="diff-explore"
                        title="Open the objects of this class that are new in the later snapshot, in the heap explorer"
                        onClick={() =>
                          void exploreNewObjects(
                            current.afterId,
                            c.name,
                            current.diff.before.maxNodeId,
                          )
                        }
                      >
                        {c.name}
                      </button>
                    ) : (
                      c.name
                    )}
                  </td>
                  <td className="num">{signed(c.countDelta, formatCount)}</td>
                  <td className="num">{signed(c.sizeDeltaBytes, formatBytes)}</td>
                  <td className="num">{formatCount(c.addedCount)}</td>
                  <td className="num">{formatCount(c.removedCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
