// Allocation sampling: start, stop, then the top allocation sites by bytes with stacks.
import type { AllocationSite } from '../../../shared/heap-tools-model';
import type { TargetInfo } from '../../../shared/model';
import { formatBytes, formatPercent } from '../../components/format';
import { heapToolsSelectors } from '../../store/heap-tools-slice';
import { useDashboard } from '../../store/store';
import { startAllocations, stopAllocations } from '../snapshots/heap-tools-client';

function where(site: AllocationSite): string {
  const f = site.stack[0];
  if (!f) return '(root)';
  const file = f.url ? f.url.slice(f.url.lastIndexOf('/') + 1) : '';
  return `${f.functionName}${file ? ` ${file}:${f.lineNumber}` : ''}`;
}

export function AllocationsCard({ target }: { target: TargetInfo }) {
  const view = useDashboard(heapToolsSelectors.allocations(target.id));
  const busy = useDashboard(heapToolsSelectors.busy(`alloc:${target.id}`));
  const live = target.status === 'attached' || target.status === 'unresponsive';
  const running = view?.running ?? false;
  const profile = view?.profile ?? null;
  return (
    <section className="card heap-card" aria-label="Allocation sampling">
      <header>
        <h3>Top allocations</h3>
        <p className="explain">
          Samples where memory is allocated (about one sample per 32 KB), short-lived objects
          included.
        </p>
      </header>
      <button
        type="button"
        className={running ? '' : 'primary'}
        data-testid="allocations-toggle"
        disabled={!live || busy}
        onClick={() => void (running ? stopAllocations(target.id) : startAllocations(target.id))}
      >
        {running ? 'Stop and show top sites' : 'Start sampling'}
      </button>
      {running && (
        <p className="muted">Sampling… run the workload you want to inspect, then stop.</p>
      )}
      {profile && (
        <>
          <p className="muted">
            {formatBytes(profile.totalBytes)} sampled over{' '}
            {((profile.stoppedAtMs - profile.startedAtMs) / 1000).toFixed(1)} s
          </p>
          {profile.sites.length === 0 ? (
            <p className="empty">No allocations were sampled.</p>
          ) : (
            <table className="heap-table" data-testid="allocations-table">
              <thead>
                <tr>
                  <th>Site</th>
                  <th className="num">Bytes</th>
                  <th className="num">Share</th>
                </tr>
              </thead>
              <tbody>
                {profile.sites.map((s, i) => (
                  <tr key={i}>
                    <td>
                      <details>
                        <summary>{where(s)}</summary>
                        <ol className="stack">
                          {s.stack.map((f, j) => (
                            <li key={j}>
                              {f.functionName} {f.url}:{f.lineNumber}:{f.columnNumber}
                            </li>
                          ))}
                        </ol>
                      </details>
                    </td>
                    <td className="num">{formatBytes(s.selfSizeBytes)}</td>
                    <td className="num">{formatPercent(s.share * 100)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
