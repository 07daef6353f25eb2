// resdash agent: publish a service's pools to the Resource Dashboard.
//
//   import { trackPool } from '<repo>/src/agent';
//   const pool = new Pool('http://127.0.0.1:8080', { connections: 10 });
//   trackPool('api', pool, { max: 10 });
//
// Dependency-free (node built-ins and its own files only): the dashboard reads the
// registry over the inspector it is already attached through.
export {
  REGISTRY_KEY,
  getRegistry,
  globalPools,
  readPools,
  releaseIdlePools,
  trackPool,
  untrackPool,
  type PoolRegistry,
  type TrackOptions,
} from './registry';
export { canReleaseIdle, detectKind, readPool, releaseIdle } from './adapters';
export * from './types';
