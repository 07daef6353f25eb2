// recharts and the chart built on it, as a chunk of their own: the process list and
// the dashboard's header paint without waiting for them.
import { lazy, type ReactElement } from 'react';
import type { TimeChartProps } from './time-chart';

type TimeChartComponent = <K extends string>(props: TimeChartProps<K>) => ReactElement | null;

/** time-chart.tsx's default export, loaded on first use (inside a Suspense boundary). */
export const LazyTimeChart = lazy(() => import('./time-chart')) as unknown as TimeChartComponent;
