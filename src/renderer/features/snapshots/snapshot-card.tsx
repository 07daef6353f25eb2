// Heap snapshot: the capture button with its pre-flight confirmation (F14), a progress
// bar with the time left and a cancel button, and the result line.
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

export function SnapshotCard({ target }: { target: TargetInfo }) {
  const progress = useDashboard(heapToolsSelectors.snapshot(target.id));
  const confirm = useDashboard(heapToolsSelectors.snapshotConfirm);
  const busy = useDashboard(heapToolsSelectors.busy(`snapshot:${target.id}`));
  const live = target.status === 'attached' || target.status === 'unresponsive';
  const running =
    busy && progress !== null && (progress.phase === 'preparing' || progress.phase === 'writing');
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
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
        onClick={() => void takeSnapshot(target.id)}
      >
        {busy ? 'Capturing…' : 'Take heap snapshot'}
      </button>
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
              onClick={() => void takeSnapshot(target.id, true)}
            >
              Capture anyway
            </button>
          </div>
        </div>
      )}
      {running && progress && (
        <div data-testid="snapshot-progress">
          <progress max={1} value={fraction} aria-label="Snapshot progress" />
          <p className="muted">
            {progress.total > 0 ? `${Math.floor(fraction * 100)} %` : 'Starting'} ·{' '}
            {formatBytes(progress.bytesWritten)} written · {seconds(progress.remainingMs)}
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
