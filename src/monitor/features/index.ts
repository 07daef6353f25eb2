// The features every session gets by default. Add a factory here to plug a feature
// into every attached target.
import { createHeapToolsFeature } from '../heap-tools/heap-tools-feature';
import type { SessionFeatureFactory } from './session-feature';

export const defaultFeatures: SessionFeatureFactory[] = [
  createHeapToolsFeature(), // forced GC, heap snapshots, allocation sampling
];

export type { SessionContext, SessionFeature, SessionFeatureFactory } from './session-feature';
