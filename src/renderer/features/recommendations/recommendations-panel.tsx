// Recommendations for one process, each from a rule with its figures. Refreshed every
// 10 s while the process is attached.
import { useEffect } from 'react';
import type { TargetInfo } from '../../../shared/model';
import { alertsSelectors } from '../../store/alerts-slice';
import { useDashboard } from '../../store/store';
import { refreshRecommendations } from '../alerts/alerts-client';

const REFRESH_MS = 10_000;

export function RecommendationsPanel({ target }: { target: TargetInfo }) {
  const recs = useDashboard(alertsSelectors.recommendations(target.id));
  const live = target.status !== 'detached';
  useEffect(() => {
    void refreshRecommendations(target.id);
    if (!live) return;
    const t = setInterval(() => void refreshRecommendations(target.id), REFRESH_MS);
    return () => clearInterval(t);
  }, [target.id, live]);
  return (
    <section
      className="card recommendations-panel"
      aria-label="Recommendations"
      data-testid="recommendations-panel"
    >
      <header>
        <h3>Recommendations</h3>
      </header>
      {recs.length === 0 ? (
        <p className="muted">Nothing to recommend from the last 5 minutes.</p>
      ) : (
        <ul className="recommendations">
          {recs.map((r) => (
            <li
              key={r.id}
              className={`recommendation rec-${r.severity}`}
              data-testid={`rec-${r.rule}`}
            >
              <span className={`badge alert-${r.severity}`}>{r.severity}</span> {r.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
