// Request handlers for worker threads: which threads an attached process runs, each
// with its target (the workers feature starts a session per thread).
import type { RequestArgs, RequestResult } from '../../shared/contract';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { SessionRegistry } from '../sessions/registry';
import { argsObject } from '../sessions/validate';
import { WORKERS_FEATURE, type WorkersFeature } from './workers-feature';

export class WorkerRequests {
  constructor(private readonly sessions: SessionRegistry) {}

  async listThreads(args: RequestArgs<'listThreads'>): Promise<RequestResult<'listThreads'>> {
    const targetId = argsObject(args).targetId;
    const session = this.sessions.get(targetId);
    if (session.info.kind === 'worker') {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        `${session.info.id} is a worker thread; list the threads of its process (${session.info.parentTargetId}).`,
      );
    }
    const feature = session.features.find((f) => f.name === WORKERS_FEATURE) as
      WorkersFeature | undefined;
    if (session.info.status === 'detached') {
      throw new MonitorError(
        ErrorCodes.NOT_ATTACHED,
        `Target ${session.info.id} is detached; attach again first.`,
      );
    }
    if (!feature) {
      throw new MonitorError(
        ErrorCodes.NOT_ATTACHED,
        `Worker threads of ${session.info.title} are not watched (the target is paused, has no probe, or the monitor was started without worker threads).`,
      );
    }
    const threads = await feature.settled();
    if (feature.unavailable !== null) {
      throw new MonitorError(
        ErrorCodes.NODE_TOO_OLD,
        `${session.info.title} (Node.js ${session.info.nodeVersion ?? 'unknown'}) cannot report its worker threads: ${feature.unavailable}`,
      );
    }
    return threads;
  }
}
