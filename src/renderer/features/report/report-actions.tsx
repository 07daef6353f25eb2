// Export a target's report (self-contained HTML or JSON) as a download, or print the
// dashboard (save as PDF from the print dialog). The file comes from the core.
import type { TargetInfo } from '../../../shared/model';
import { exportReport } from '../../commands';

function download(fileName: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ReportActions({ target }: { target: TargetInfo }) {
  const save = async (format: 'html' | 'json'): Promise<void> => {
    const file = await exportReport(target.id, format);
    if (file) download(file.fileName, file.mimeType, file.content);
  };
  return (
    <div className="controls report-actions" role="group" aria-label="Report">
      <button
        type="button"
        data-testid="export-report-html"
        title="One HTML file that opens offline: KPIs, charts, alerts, leaks, pools, snapshots."
        onClick={() => void save('html')}
      >
        Export report
      </button>
      <button type="button" data-testid="export-report-json" onClick={() => void save('json')}>
        JSON
      </button>
      <button
        type="button"
        data-testid="print-dashboard"
        title="Print or save as PDF."
        onClick={() => window.print()}
      >
        Print
      </button>
    </div>
  );
}
