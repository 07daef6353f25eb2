// Left pane: attached targets, discovered Node processes, inspectors on named
// ports, and attach by port. Every target string is rendered as text (F23).
import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DiscoveredInspector, DiscoveredProcess, TargetInfo } from '../../../shared/model';
import {
  attachPid,
  attachPort,
  detachTarget,
  refreshProcesses,
  removeTarget,
  startDemo,
} from '../../commands';
import { formatAgo } from '../../components/format';
import { useElementWidth, usePolling } from '../../components/hooks';
import { actions } from '../../store/actions';
import { AlertBadge } from '../alerts/alert-badge';
import { AttachedGroups } from '../groups/attached-groups';
import { ProcessTree } from '../groups/process-tree';
import { processSelectors } from '../../store/processes-slice';
import { dashboardStore, useDashboard } from '../../store/store';
import { targetSelectors } from '../../store/targets-slice';
import { uiSelectors } from '../../store/ui-slice';
import { commandCharsFor, shortenCommand } from './command-line';

const POLL_MS = 3_000;

export const STATUS_TEXT: Record<TargetInfo['status'], string> = {
  attaching: 'attaching',
  attached: 'attached',
  paused: 'paused in debugger',
  unresponsive: 'unresponsive',
  detached: 'detached',
};

function TargetRow({ target, selected }: { target: TargetInfo; selected: boolean }) {
  const busy = useDashboard(uiSelectors.busy);
  const detached = target.status === 'detached';
  return (
    <li
      className={`row target-row${selected ? ' selected' : ''}`}
      data-testid={`target-row-${target.id}`}
    >
      <button
        type="button"
        className="row-main"
        onClick={() => actions.selectTarget(target.id)}
        aria-current={selected ? 'true' : undefined}
      >
        <span className="row-title" title={target.command}>
          {target.title}
        </span>
        <span className="row-sub">
          {target.pid !== null ? `PID ${target.pid} · ` : ''}port {target.port}
        </span>
        <span className={`status status-${target.status}`}>{STATUS_TEXT[target.status]}</span>
        <AlertBadge targetId={target.id} />
        {target.warnings.length > 0 && (
          <span className="badge warn" title={target.warnings.join('\n')}>
            warning
          </span>
        )}
      </button>
      <span className="row-actions">
        {detached ? (
          <>
            <button
              type="button"
              disabled={busy}
              data-testid={`reattach-${target.id}`}
              onClick={() =>
                void (target.pid !== null ? attachPid(target.pid) : attachPort(target.port))
              }
            >
              Reattach
            </button>
            <button
              type="button"
              data-testid={`remove-${target.id}`}
              onClick={() => void removeTarget(target.id)}
            >
              Remove
            </button>
          </>
        ) : (
          <button
            type="button"
            data-testid={`detach-${target.id}`}
            onClick={() => void detachTarget(target.id)}
          >
            Detach
          </button>
        )}
      </span>
    </li>
  );
}

function InspectorText({ p }: { p: DiscoveredProcess }) {
  if (p.inspector.state === 'closed') return <span className="muted">inspector closed</span>;
  return (
    <>
      <span>inspector open on port {p.inspector.port}</span>
      {p.inspector.exposed && (
        <span
          className="badge warn"
          data-testid={`exposed-${p.pid}`}
          title="Anyone who can reach this address can run code in the process."
        >
          exposed on {p.inspector.bindAddress}
        </span>
      )}
    </>
  );
}

function ProcessRow({ p, nowMs }: { p: DiscoveredProcess; nowMs: number }) {
  const busy = useDashboard(uiSelectors.busy);
  // The process list is polled; a fresh attach shows up in the targets first.
  const liveTargetId = useDashboard(
    (s) =>
      p.attachedTargetId ??
      s.targetOrder.find(
        (id) => s.targets[id]?.pid === p.pid && s.targets[id]?.status !== 'detached',
      ),
  );
  // Cut in the middle to the row's width: the executable and the script stay visible.
  const [mainRef, mainWidth] = useElementWidth<HTMLDivElement>();
  return (
    <li className="row process-row" data-testid={`process-row-${p.pid}`}>
      <div ref={mainRef} className="row-main static">
        {p.title && (
          <span className="row-title" title={p.command} data-testid={`process-title-${p.pid}`}>
            {p.title}
          </span>
        )}
        <span
          className={p.title ? 'row-command command' : 'row-title command'}
          title={p.command}
          data-testid={`command-${p.pid}`}
        >
          {shortenCommand(p.command, commandCharsFor(mainWidth))}
        </span>
        <span className="row-sub">
          PID {p.pid} · started {formatAgo(p.startTimeMs, nowMs)} · <InspectorText p={p} />
        </span>
      </div>
      <span className="row-actions">
        {liveTargetId ? (
          <button type="button" onClick={() => actions.selectTarget(liveTargetId)}>
            Show
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={busy}
            data-testid={`attach-${p.pid}`}
            onClick={() => void attachPid(p.pid)}
          >
            Attach
          </button>
        )}
      </span>
    </li>
  );
}

function InspectorRow({ i }: { i: DiscoveredInspector }) {
  const busy = useDashboard(uiSelectors.busy);
  return (
    <li className="row" data-testid={`inspector-row-${i.port}`}>
      <div className="row-main static">
        <span className="row-title" title={i.url}>
          {i.title}
        </span>
        <span className="row-sub">inspector on port {i.port}</span>
      </div>
      <span className="row-actions">
        <button
          type="button"
          className="primary"
          disabled={busy}
          data-testid={`attach-port-${i.port}`}
          onClick={() => void attachPort(i.port)}
        >
          Attach
        </button>
      </span>
    </li>
  );
}

function AttachByPort() {
  const [port, setPort] = useState('');
  const busy = useDashboard(uiSelectors.busy);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void attachPort(Number(port.trim()));
  };
  return (
    <form className="attach-port" onSubmit={submit}>
      <label htmlFor="attach-port-input">Attach by port</label>
      <div className="inline">
        <input
          id="attach-port-input"
          data-testid="attach-port-input"
          inputMode="numeric"
          placeholder="9229"
          value={port}
          onChange={(e) => setPort(e.target.value)}
        />
        <button
          type="submit"
          disabled={busy || port.trim() === ''}
          data-testid="attach-port-button"
        >
          Attach
        </button>
      </div>
    </form>
  );
}

export function ProcessList() {
  const targets = useDashboard(useShallow(targetSelectors.list));
  const selectedId = useDashboard(targetSelectors.selectedId);
  const processes = useDashboard(useShallow(processSelectors.visibleProcesses));
  const inspectors = useDashboard(processSelectors.inspectors);
  const loaded = useDashboard(processSelectors.loaded);
  const nowMs = useDashboard((s) => s.processesUpdatedAtMs ?? 0);
  const busy = useDashboard(uiSelectors.busy);
  const connection = useDashboard(uiSelectors.connection);
  usePolling(pollIfOpen, POLL_MS);

  return (
    <nav className="process-list" aria-label="Processes">
      <section>
        <h2>Attached</h2>
        <AttachedGroups />
        {targets.length === 0 ? (
          <p className="empty">Nothing attached yet. Pick a process below.</p>
        ) : (
          <ul className="rows">
            {targets.map((t) => (
              <TargetRow key={t.id} target={t} selected={t.id === selectedId} />
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2>Node processes</h2>
        {!loaded ? (
          <p className="empty">
            {connection === 'open' ? 'Looking for Node processes…' : 'Connecting to the monitor…'}
          </p>
        ) : processes.length === 0 ? (
          <div className="empty" data-testid="no-processes">
            <p>
              No Node processes found. Start one with <code>node --inspect app.js</code>, or
            </p>
            <button
              type="button"
              className="primary"
              disabled={busy}
              data-testid="start-demo"
              onClick={() => void startDemo()}
            >
              Start the demo service
            </button>
          </div>
        ) : (
          <ProcessTree
            processes={processes}
            row={(p) => <ProcessRow key={p.pid} p={p} nowMs={nowMs} />}
          />
        )}
        {inspectors.length > 0 && (
          <ul className="rows">
            {inspectors.map((i) => (
              <InspectorRow key={`${i.port}/${i.id}`} i={i} />
            ))}
          </ul>
        )}
      </section>
      <AttachByPort />
    </nav>
  );
}

function pollIfOpen(): void {
  // While the link is down the reconnect rehydrates; queued polls would pile up.
  if (dashboardStore.getState().connection === 'open') void refreshProcesses();
}
