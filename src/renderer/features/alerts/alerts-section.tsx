// What the dashboard mounts for this feature: the leak KPI, alerts, leak verdict and
// recommendations of one process.
import type { TargetInfo } from '../../../shared/model';
import { LeakKpiCard, LeakPanel } from '../leaks/leak-panel';
import { RecommendationsPanel } from '../recommendations/recommendations-panel';
import { AlertsPanel } from './alerts-panel';
import './alerts.css';

export function AlertsSection({ target }: { target: TargetInfo }) {
  return (
    <div className="alerts-section">
      <div className="kpis">
        <LeakKpiCard targetId={target.id} />
      </div>
      <AlertsPanel target={target} />
      <LeakPanel target={target} />
      <RecommendationsPanel target={target} />
    </div>
  );
}
