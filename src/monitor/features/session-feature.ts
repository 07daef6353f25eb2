// The seam through which per-target features (alerts, leak detection, pools, recording,
// snapshots) plug into a session without the resource manager knowing their insides.
// A feature is created when a session starts, sees every sample, and is disposed with
// the session (its DisposableStore owns it).
import type { Events, EventName } from '../../shared/contract';
import type { Sample, TargetInfo } from '../../shared/model';
import type { SampleHistory } from '../history/history';
import type { CdpClient } from '../inspector/cdp-client';
import type { Disposable } from '../lifecycle/disposable';
import type { Probe } from '../sampling/probe';
import type { RecordingOptions } from '../recording/recording-options';

/** The part of the monitor's options (monitor-options.ts) that features read. */
export interface FeatureSettings {
  /** Recording of every session to disk (README "Recordings"); false turns it off. */
  recording?: RecordingOptions | false;
  /** Where the snapshot library and recordings live; default $RESDASH_DATA_DIR or ~/.resdash. */
  dataDir?: string;
  /** Attach to every worker thread of an attached process (default true; workers feature). */
  workerThreads?: boolean;
}

/** One worker thread of a target, over a child client of the target's connection. */
export interface ChildSessionSpec {
  client: CdpClient;
  /** worker_threads.threadId. */
  threadId: number;
  /** The name given to new Worker(…, {name}); null when none. Hostile. */
  threadName: string | null;
}

/** How a feature starts and ends sessions for its target's worker threads. */
export interface ChildSessions {
  /** Starts a session (its own history, probe and features) for one worker thread. */
  start(spec: ChildSessionSpec): Promise<TargetInfo>;
  /** Ends one (history kept, like any detached target). */
  end(targetId: string, reason: string): Promise<void>;
}

export interface SessionContext {
  readonly targetId: string;
  /** Live view of the target's info (status changes are visible here). */
  readonly info: Readonly<TargetInfo>;
  readonly client: CdpClient;
  /** Null when the target is paused or the probe could not be installed. */
  readonly probe: Probe | null;
  readonly history: SampleHistory;
  readonly now: () => number;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  /** Subscribes to the monitor's events (all targets); returns the unsubscribe. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** What features read of the options the monitor was created with. */
  readonly monitorOptions: Readonly<FeatureSettings>;
  /** Another feature of the same session (e.g. alerts reading pool stats), if present. */
  feature<F extends SessionFeature>(name: string): F | undefined;
  /** Sessions for this target's worker threads; absent in a worker thread's own session. */
  readonly children?: ChildSessions;
}

export interface SessionFeature extends Disposable {
  /** Stable name, used to look the feature up from request handlers. */
  readonly name: string;
  /**
   * Called for every sample before it is stored or seen by any feature; may mark it
   * (heap tools set ownPause). Must be cheap.
   */
  annotate?(sample: Sample): void;
  /** Called for every sample after it is stored in history. Must be cheap. */
  onSample?(sample: Sample): void;
}

export type SessionFeatureFactory = (ctx: SessionContext) => SessionFeature | null;
