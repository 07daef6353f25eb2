// Heap snapshot: the capture button with its pre-flight confirmation (F14), a progress
// bar with the time left and a cancel button, and the result line. The bar is estimated
// while the target walks its heap unless exact progress is ticked (V8 then counts
// first, which lengthens the pause), and follows the bytes once they arrive.
import { useState } from 'react';
import type { SnapshotProgress } from '../../../shared/heap-tools-model';
import type { TargetInfo } from '../../../shared/model';
import { formatBytes } from '../../components/format';
import { heapToolsSelectors } from '../../store/heap-tools-slice';
import { useDashboard } from '../../store/store';
import { cancelSnapshot, dismissSnapshotConfirm, takeSnapshot } from './heap-tools-client';

function seconds(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.ceil(ms / 1000);
  return s >= 90 ? `about ${Math.round(s / 60)} min left` : `about ${s} s left`;
}

function progressLine(p: SnapshotProgress): string {
  const pct = `${Math.floor(p.fraction * 100)} %${p.exact ? '' : ' (estimated)'}`;
  const what =
    p.phase === 'preparing'
      ? 'the target is walking its heap'
      : `${formatBytes(p.bytesWritten)} of about ${formatBytes(p.expectedBytes)} written`;
  return [pct, what, seconds(p.remainingMs)].filter(Boolean).join(' · ');
}

export function SnapshotCard({ target }: { target: TargetInfo }) {
  const [exact, setExact] = useState(false);
  const progress = useDashboard(heapToolsSelectors.snapshot(target.id));
  const confirm = useDashboard(heapToolsSelectors.snapshotConfirm);
  const busy = useDashboard(heapToolsSelectors.busy(`snapshot:${target.id}`));
  const live = target.status === 'attached' || target.status === 'unresponsive';
  const running =
    busy && progress !== null && (progress.phase === 'preparing' || progress.phase === 'writing');
  return (
    <section className="card heap-card" aria-label="Heap snapshot">
      <header>
        <h3>Heap snapshot</h3>
        <p className="explain">
          The target stops for the whole capture and may need many times its heap in memory. The
          file opens in Chrome DevTools.
        </p>
      </header>
      <button
        type="button"
        className="primary"
        data-testid="snapshot-button"
        disabled={!live || busy}
        onClick={() => void takeSnapshot(target.id, false, exact)}
      >
        {busy ? 'Capturing…' : 'Take heap snapshot'}
      </button>
      <label
        className="muted snapshot-option"
        title="V8 counts the heap's objects before it walks them: an exact bar, a longer pause (about 7 % measured)"
      >
        <input
          type="checkbox"
          data-testid="snapshot-exact"
          checked={exact}
          disabled={busy}
          onChange={(e) => setExact(e.target.checked)}
        />{' '}
        Exact progress (longer pause)
      </label>
      {confirm?.targetId === target.id && (
        <div className="warning-banner" role="alertdialog" data-testid="snapshot-confirm">
          <p>{confirm.message}</p>
          <div className="dialog-buttons">
            <button type="button" onClick={dismissSnapshotConfirm}>
              Cancel
            </button>
            <button
              type="button"
              className="primary"
              data-testid="snapshot-confirm-ok"
              onClick={() => void takeSnapshot(target.id, true, exact)}
            >
              Capture anyway
            </button>
          </div>
        </div>
      )}
      {running && progress && (
        <div data-testid="snapshot-progress">
          <progress max={1} value={progress.fraction} aria-label="Snapshot progress" />
          <p className="muted" data-testid="snapshot-progress-line">
            {progressLine(progress)}
          </p>
          <button
            type="button"
            data-testid="snapshot-cancel"
            onClick={() => void cancelSnapshot(target.id)}
          >
            Cancel
          </button>
        </div>
      )}
      {!busy && progress?.phase === 'done' && (
        <p data-testid="snapshot-done">Saved to the library below.</p>
      )}
      {!busy && progress?.phase === 'cancelled' && (
        <p className="muted">Cancelled; nothing was kept.</p>
      )}
      {!busy && progress?.phase === 'failed' && progress.error && (
        <p className="muted">
          Failed: <code>{progress.error.code}</code> {progress.error.message}
        </p>
      )}
    </section>
  );
}
