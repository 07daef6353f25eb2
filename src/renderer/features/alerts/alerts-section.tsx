// What the dashboard mounts for this feature: alerts, leak verdict and recommendations
// of one process (the leak KPI card sits with the other KPI cards).
import type { TargetInfo } from '../../../shared/model';
import { LeakPanel } from '../leaks/leak-panel';
import { RecommendationsPanel } from '../recommendations/recommendations-panel';
import { AlertsPanel } from './alerts-panel';
import './alerts.css';

export function AlertsSection({ target }: { target: TargetInfo }) {
  return (
    <div className="alerts-section">
      <AlertsPanel target={target} />
      <LeakPanel target={target} />
      <RecommendationsPanel target={target} />
    </div>
  );
}
