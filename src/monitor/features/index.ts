// The features every session gets by default. Add a factory here to plug a feature
// into every attached target.
import type { SessionFeatureFactory } from './session-feature';

export const defaultFeatures: SessionFeatureFactory[] = [];

export type { SessionContext, SessionFeature, SessionFeatureFactory } from './session-feature';
