// A report as a file: name, MIME type and content, for the desktop's save button and
// the CLI's -o.
import type { ExportReportResult, ReportData } from '../../shared/report-model';
import { renderReportHtml } from './render-html';

export function reportFileName(data: ReportData, format: 'html' | 'json'): string {
  const title = data.target.title.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'target';
  const stamp = new Date(data.generatedAtMs).toISOString().slice(0, 19).replace(/:/g, '-');
  return `resdash-report-${title}-${stamp}.${format}`;
}

export function reportFile(data: ReportData, format: 'html' | 'json'): ExportReportResult {
  return format === 'json'
    ? {
        fileName: reportFileName(data, 'json'),
        mimeType: 'application/json',
        content: JSON.stringify(data, null, 2) + '\n',
      }
    : {
        fileName: reportFileName(data, 'html'),
        mimeType: 'text/html',
        content: renderReportHtml(data),
      };
}
