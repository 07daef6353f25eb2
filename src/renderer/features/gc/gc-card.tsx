// Force GC: one button, then heap used before and after and the bytes freed.
import type { TargetInfo } from '../../../shared/model';
import { formatBytes, formatMs } from '../../components/format';
import { heapToolsSelectors } from '../../store/heap-tools-slice';
import { useDashboard } from '../../store/store';
import { forceGc } from '../snapshots/heap-tools-client';

export function GcCard({ target }: { target: TargetInfo }) {
  const result = useDashboard(heapToolsSelectors.gc(target.id));
  const busy = useDashboard(heapToolsSelectors.busy(`gc:${target.id}`));
  const live = target.status === 'attached' || target.status === 'unresponsive';
  return (
    <section className="card heap-card" aria-label="Garbage collection">
      <header>
        <h3>Force GC</h3>
        <p className="explain">
          A full collection now; what it frees was garbage, what stays is live.
        </p>
      </header>
      <button
        type="button"
        className="primary"
        data-testid="gc-button"
        disabled={!live || busy}
        onClick={() => void forceGc(target.id)}
      >
        {busy ? 'Collecting…' : 'Force GC'}
      </button>
      {result && (
        <p data-testid="gc-result">
          Heap used {formatBytes(result.heapUsedBeforeBytes)} →{' '}
          {formatBytes(result.heapUsedAfterBytes)}:{' '}
          <strong>freed {formatBytes(result.freedBytes)}</strong> in {formatMs(result.durationMs)}
        </p>
      )}
    </section>
  );
}
