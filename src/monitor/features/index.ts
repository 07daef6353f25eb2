// The features every session gets by default. Add a factory here to plug a feature
// into every attached target.
import { createHeapToolsFeature } from '../heap-tools/heap-tools-feature';
import { recordingFeature } from '../recording/recording-feature';
import { createAlertsFeature } from '../alerts/alerts-feature';
import { createLeaksFeature } from '../leaks/leaks-feature';
import { createPoolsFeature } from '../pools/pools-feature';
import { eventLogFeature } from '../report/event-log';
import { createWorkersFeature } from '../workers/workers-feature';
import type { SessionFeatureFactory } from './session-feature';

export const defaultFeatures: SessionFeatureFactory[] = [
  eventLogFeature, // every per-target event in memory, bounded (live reports read it)
  recordingFeature, // every session to disk, crash-safe (off with recording: false)
  createHeapToolsFeature(), // forced GC, heap snapshots, allocation sampling
  (ctx) => createAlertsFeature(ctx), // limits and alerts
  (ctx) => createLeaksFeature(ctx), // post-GC trend, investigate, snapshot series
  createPoolsFeature(), // pool utilization read from the target, emergency cleanup
  createWorkersFeature, // a session per worker thread, over the same connection
];

export type { SessionContext, SessionFeature, SessionFeatureFactory } from './session-feature';
