// resdash agent: publish a service's pools to the Resource Dashboard.
//
//   import { trackPool } from 'resource-dashboard/agent'; // or require(...) from CommonJS
//   const pool = new Pool('http://127.0.0.1:8080', { connections: 10 });
//   trackPool('api', pool, { max: 10 });
//
// Dependency-free (node built-ins and its own files only): the dashboard reads the
// registry over the inspector it is already attached through. Built to plain JS with
// types by `npm run build:agent` (tsconfig.agent*.json -> out/agent/esm and cjs), so
// imports here name their .js files.
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
} from './registry.js';
export { canReleaseIdle, detectKind, readPool, releaseIdle } from './adapters.js';
export * from './types.js';
