// The top bar's inputs have visible labels tied to them (not only an aria-label), and
// keep their test ids. Rendered to markup: no DOM needed.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ShellTools } from './shell-tools';

function labelFor(html: string, testId: string): string | null {
  const input = new RegExp(`<input[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0];
  const id = input && /\sid="([^"]+)"/.exec(input)?.[1];
  if (!id) return null;
  const esc = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<label[^>]*for="${esc}"[^>]*>([^<]+)</label>`).exec(html)?.[1] ?? null;
}

describe('ShellTools', () => {
  it('labels the recording path and the Prometheus port inputs visibly', () => {
    const html = renderToStaticMarkup(<ShellTools />);
    expect(labelFor(html, 'recording-path')).toBe('Recording file');
    expect(labelFor(html, 'metrics-port')).toBe('on port');
    // The visible label is the accessible name: no aria-label that says something else.
    expect(html).not.toMatch(/aria-label="(Recording file path|Metrics port)"/);
  });
});
