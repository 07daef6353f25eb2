// The client layer: user intents become requests to the core, and whatever the core
// answers or pushes becomes a store action. Components call these functions and
// never see the transport.
import type { AttachArgs, MonitorApi } from '../shared/contract';
import { ErrorCodes, MonitorError, serializeError } from '../shared/errors';
import type { TargetId, TargetInfo } from '../shared/model';
import type { ExportReportResult, MetricsStatus } from '../shared/report-model';
import { connectHeapTools, rehydrateHeapTools } from './features/snapshots/heap-tools-client';
import { connectPools, rehydratePools } from './features/pools/pools-client';
import { connectAlerts, rehydrateAlerts } from './features/alerts/alerts-client';
import { connectGroups } from './features/groups/groups-client';
import { connectMonitor, type MonitorConnection } from './monitor-client';
import { actions } from './store/actions';
import { createBatchQueue } from './store/batch-queue';
import { SAMPLE_CAP_PER_TARGET } from './store/samples-slice';
import { dashboardStore } from './store/store';

const HISTORY_SPAN_MS = 60 * 60_000;

let connection: MonitorConnection | null = null;

function api(): MonitorApi {
  if (!connection) {
    throw new MonitorError(
      ErrorCodes.DISCONNECTED,
      'The dashboard is not connected to the monitor.',
    );
  }
  return connection.api;
}

/** Loads the target list and each target's history: after a reload or reconnect (F26). */
export async function rehydrate(monitor: MonitorApi): Promise<void> {
  const targets = await monitor.listTargets({});
  actions.targetsReceived(targets);
  const fromMs = Date.now() - HISTORY_SPAN_MS;
  await Promise.all(
    targets.map(async (t) => {
      const history = await monitor.getHistory({
        targetId: t.id,
        fromMs,
        maxPoints: SAMPLE_CAP_PER_TARGET,
      });
      actions.historyReceived(t.id, history);
    }),
  );
  await rehydratePools(
    monitor,
    targets.filter((t) => t.status !== 'detached').map((t) => t.id),
  );
  await rehydrateAlerts(
    monitor,
    targets.map((t) => t.id),
  );
  await rehydrateHeapTools(
    monitor,
    targets.filter((t) => t.status !== 'detached').map((t) => t.id),
  );
}

export function startClient(): () => void {
  if (connection) return () => undefined;
  const conn = connectMonitor({
    onLinkState: (state) => actions.connectionChanged(state),
    onOpen: (monitor) => {
      rehydrate(monitor).catch((err: unknown) => actions.showError(err));
      void refreshProcesses();
    },
  });
  connection = conn;
  // Applied once per animation frame, every target's batches in one store write.
  const liveBatches = createBatchQueue((batches) => actions.samplesArrived(batches));
  const offSamples = conn.api.on('samples', (batch) => liveBatches.push(batch));
  const offTargets = conn.api.on('targets', (list) => actions.targetsReceived(list));
  const offAlerts = connectAlerts(conn.api);
  const offHeapTools = connectHeapTools(conn.api);
  const offPools = connectPools(conn.api);
  const offGroups = connectGroups(conn.api);
  return () => {
    offSamples();
    offTargets();
    offAlerts();
    offHeapTools();
    offPools();
    offGroups();
    conn.close();
    connection = null;
  };
}

/** Runs a user request; its error becomes the one-line error with its code. */
async function run<T>(work: () => Promise<T>, busy = false): Promise<T | undefined> {
  if (busy) actions.setBusy(true);
  try {
    const value = await work();
    return value;
  } catch (err) {
    actions.showError(err);
    return undefined;
  } finally {
    if (busy) actions.setBusy(false);
  }
}

export async function refreshProcesses(): Promise<void> {
  try {
    actions.processListReceived(await api().listProcesses({}));
  } catch (err) {
    // A failed poll while disconnected is shown by the link state, not as an error.
    if (serializeError(err).code !== ErrorCodes.DISCONNECTED) actions.showError(err);
  }
}

async function attach(args: AttachArgs): Promise<void> {
  actions.clearError();
  const info = await run(() => api().attach(args), true);
  if (info) attached(info);
}

/** A target the user just attached is the one they want to see. */
function attached(info: TargetInfo): void {
  actions.targetUpdated(info);
  actions.selectTarget(info.id);
}

/** Attaches by pid; a closed inspector asks the user before SIGUSR1 (F5). */
export async function attachPid(pid: number): Promise<void> {
  actions.clearError();
  actions.setBusy(true);
  try {
    attached(await api().attach({ pid }));
  } catch (err) {
    const e = serializeError(err);
    if (e.code === ErrorCodes.INSPECTOR_CLOSED) {
      actions.askConfirm({
        kind: 'enable-inspector',
        pid,
        message:
          `Open the inspector of PID ${pid} with SIGUSR1? Node processes only; ` +
          'the inspector listens on 127.0.0.1 while attached and is closed again on detach.',
      });
    } else {
      actions.showError(e);
    }
  } finally {
    actions.setBusy(false);
  }
  void refreshProcesses();
}

export async function confirmPending(): Promise<void> {
  const pending = dashboardStore.getState().pendingConfirm;
  actions.clearConfirm();
  if (pending?.kind === 'enable-inspector') {
    await attach({ pid: pending.pid, enableInspector: true });
    void refreshProcesses();
  }
}

export function cancelPending(): void {
  actions.clearConfirm();
}

export async function attachPort(port: number): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    actions.showError(
      new MonitorError(ErrorCodes.BAD_ARGUMENT, 'A port is a whole number from 1 to 65535.'),
    );
    return;
  }
  await attach({ port });
  void refreshProcesses();
}

export async function detachTarget(targetId: TargetId): Promise<void> {
  actions.clearError();
  const info = await run(() => api().detach({ targetId }));
  if (info) actions.targetUpdated(info);
  void refreshProcesses();
}

export async function removeTarget(targetId: TargetId): Promise<void> {
  actions.clearError();
  const done = await run(async () => {
    await api().removeTarget({ targetId });
    return true;
  });
  if (done) actions.targetRemoved(targetId);
}

export async function setSampleInterval(targetId: TargetId, intervalMs: number): Promise<void> {
  actions.clearError();
  const info = await run(() => api().setSampleInterval({ targetId, intervalMs }));
  if (info) actions.targetUpdated(info);
}

export async function startDemo(): Promise<void> {
  actions.clearError();
  const info = await run(() => api().startDemo({}), true);
  if (info) attached(info);
  void refreshProcesses();
}

// ---- recordings, reports, Prometheus (features/report) ------------------------------

/** Builds the report in the core; the caller saves it. Undefined on error (shown). */
export async function exportReport(
  targetId: TargetId,
  format: 'html' | 'json',
): Promise<ExportReportResult | undefined> {
  actions.clearError();
  return run(() => api().exportReport({ targetId, format }), true);
}

/** Opens a recording on the core's machine as a read-only target and selects it. */
export async function openRecording(path: string): Promise<void> {
  actions.clearError();
  const info = await run(() => api().openRecording({ path }), true);
  if (!info) return;
  attached(info);
  const history = await run(() =>
    api().getHistory({ targetId: info.id, maxPoints: SAMPLE_CAP_PER_TARGET }),
  );
  if (history) actions.historyReceived(info.id, history);
}

export async function setMetrics(on: boolean, port: number): Promise<MetricsStatus | undefined> {
  actions.clearError();
  return run(() => (on ? api().startMetrics({ port }) : api().stopMetrics({})));
}

export async function metricsStatus(): Promise<MetricsStatus | undefined> {
  try {
    return await api().getMetricsStatus({});
  } catch {
    return undefined;
  }
}
