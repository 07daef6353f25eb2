// The 'events' session feature: every per-target event of a session (alerts, leak
// verdicts, pool reads, snapshot events, ...) kept in memory, bounded per type, whether
// or not the session is recorded to disk. Live reports read it, so a report of a
// session shows the same pools, alerts and leak verdicts as the dashboard did.
import { EVENT_NAMES, type EventName } from '../../shared/contract';
import type { RecordedEvent } from '../../shared/report-model';
import type { SessionContext, SessionFeature } from '../features/session-feature';

export const EVENT_LOG_FEATURE = 'events';
/** Events that are not one target's: batches of samples (history has them), the list. */
export const NOT_TARGET_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['samples', 'targets']);
/** Per type; pool reads come once a second, so an hour of them. */
const CAP_BY_TYPE: Partial<Record<EventName, number>> = { pools: 3_600 };
const DEFAULT_CAP = 1_000;

export class EventLogFeature implements SessionFeature {
  readonly name = EVENT_LOG_FEATURE;
  readonly #byType = new Map<EventName, RecordedEvent[]>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(private readonly ctx: SessionContext) {
    for (const event of EVENT_NAMES) {
      if (NOT_TARGET_EVENTS.has(event)) continue;
      this.#unsubscribe.push(ctx.on(event, (payload) => this.#onEvent(event, payload)));
    }
  }

  /** This session's events, oldest first. */
  events(): RecordedEvent[] {
    return [...this.#byType.values()].flat().sort((a, b) => a.atMs - b.atMs);
  }

  dispose(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }

  #onEvent(event: EventName, payload: unknown): void {
    if (!payload || typeof payload !== 'object') return;
    if ((payload as { targetId?: unknown }).targetId !== this.ctx.targetId) return;
    let list = this.#byType.get(event);
    if (!list) this.#byType.set(event, (list = []));
    list.push({ type: event, atMs: this.ctx.now(), data: payload });
    const cap = CAP_BY_TYPE[event] ?? DEFAULT_CAP;
    if (list.length > cap) list.splice(0, list.length - cap);
  }
}

export function eventLogFeature(ctx: SessionContext): EventLogFeature {
  return new EventLogFeature(ctx);
}
