// recharts and the chart built on it, as a chunk of their own: the process list and
// the dashboard's header paint without waiting for them. The chunk is fetched when the
// page first goes idle, so a dashboard opened later finds it loaded.
import { lazy, type ReactElement } from 'react';
import type { TimeChartProps } from './time-chart';

type TimeChartComponent = <K extends string>(props: TimeChartProps<K>) => ReactElement | null;

type ChartModule = { default: TimeChartComponent };

let loading: Promise<ChartModule> | null = null;
let loadedModule: ChartModule | null = null;

function load(): Promise<ChartModule> {
  loading ??= import('./time-chart').then((m) => {
    loadedModule = m as ChartModule;
    return loadedModule;
  });
  return loading;
}

/**
 * time-chart.tsx's default export, rendered inside a Suspense boundary. Once the chunk
 * is there, React gets it without a round of suspense (a thenable that answers at once).
 */
export const LazyTimeChart = lazy(() => {
  const m = loadedModule;
  if (m) return { then: (resolve: (v: ChartModule) => void) => resolve(m) } as Promise<ChartModule>;
  return load();
}) as unknown as TimeChartComponent;

if (typeof window !== 'undefined') {
  const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 200));
  idle(() => void load().catch(() => undefined));
}
