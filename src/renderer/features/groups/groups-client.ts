// The groups' part of the client layer: "Attach all" and "Detach all" of a process
// group become requests; the answers update the target and process lists. commands.ts
// hands it the connection.
import type { MonitorApi } from '../../../shared/contract';
import { ErrorCodes, MonitorError, type ErrorCode } from '../../../shared/errors';
import type { GroupAttachResult } from '../../../shared/model';
import { actions } from '../../store/actions';
import { groupActions } from '../../store/groups-actions';

let monitor: MonitorApi | null = null;

function api(): MonitorApi {
  if (!monitor) {
    throw new MonitorError(
      ErrorCodes.DISCONNECTED,
      'The dashboard is not connected to the monitor.',
    );
  }
  return monitor;
}

/** Called by startClient; returns the disconnect. */
export function connectGroups(api: MonitorApi): () => void {
  monitor = api;
  return () => {
    monitor = null;
  };
}

async function refreshLists(): Promise<void> {
  actions.targetsReceived(await api().listTargets({}));
  actions.processListReceived(await api().listProcesses({}));
}

/**
 * Attaches every Node process of the group (SIGUSR1 for closed inspectors only when
 * the user confirmed), then shows the group's dashboard. A member that failed is
 * reported in one error line naming it; the others stay attached.
 */
export async function attachGroup(
  groupId: string,
  enableInspector: boolean,
): Promise<GroupAttachResult | undefined> {
  actions.clearError();
  actions.setBusy(true);
  try {
    const result = await api().attachGroup({ groupId, enableInspector });
    await refreshLists();
    const failed = result.members.filter((m) => m.error);
    if (failed.length > 0) {
      const first = failed[0]!.error!;
      actions.showError(
        new MonitorError(
          first.code as ErrorCode,
          failed.map((m) => `PID ${m.pid}: ${m.error!.message}`).join(' ') +
            (failed.length < result.members.length ? ' The other members are attached.' : ''),
        ),
      );
    }
    if (result.members.some((m) => m.targetId)) groupActions.selectGroup(groupId);
    return result;
  } catch (err) {
    actions.showError(err);
    return undefined;
  } finally {
    actions.setBusy(false);
  }
}

export async function detachGroup(groupId: string): Promise<void> {
  actions.clearError();
  try {
    await api().detachGroup({ groupId });
    await refreshLists();
  } catch (err) {
    actions.showError(err);
  }
}
