// Top-bar tools: open a recording file for offline browsing, and the Prometheus
// endpoint switch (loopback only; the core validates the port).
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { MetricsStatus } from '../../../shared/report-model';
import { metricsStatus, openRecording, setMetrics } from '../../commands';

const DEFAULT_METRICS_PORT = 9464;

function OpenRecording() {
  const id = useId();
  const [path, setPath] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const p = path.trim();
    if (p) void openRecording(p).then(() => setPath(''));
  };
  return (
    <form className="inline open-recording" onSubmit={submit}>
      <label htmlFor={id}>Recording file</label>
      <input
        id={id}
        type="text"
        placeholder="~/.resdash/recordings/…ndjson"
        data-testid="recording-path"
        value={path}
        onChange={(e) => setPath(e.target.value)}
      />
      <button type="submit" data-testid="open-recording" disabled={path.trim() === ''}>
        Open recording
      </button>
    </form>
  );
}

function MetricsSwitch() {
  const portId = useId();
  const [status, setStatus] = useState<MetricsStatus | null>(null);
  const [port, setPort] = useState(String(DEFAULT_METRICS_PORT));
  useEffect(() => {
    let live = true;
    void metricsStatus().then((s) => {
      if (live && s) setStatus(s);
    });
    return () => {
      live = false;
    };
  }, []);
  const on = status?.listening ?? false;
  const toggle = async (): Promise<void> => {
    const next = await setMetrics(!on, Number(port));
    if (next) setStatus(next);
  };
  return (
    <span className="inline metrics-switch">
      <label className="inline">
        <input
          type="checkbox"
          role="switch"
          aria-checked={on}
          checked={on}
          data-testid="metrics-switch"
          onChange={() => void toggle()}
        />
        Prometheus
      </label>
      {on ? (
        <span className="muted" data-testid="metrics-url">
          {status?.url}
        </span>
      ) : (
        <>
          <label htmlFor={portId}>on port</label>
          <input
            id={portId}
            type="number"
            min={1}
            max={65535}
            className="port-input"
            data-testid="metrics-port"
            value={port}
            onChange={(e) => setPort(e.target.value)}
          />
        </>
      )}
    </span>
  );
}

export function ShellTools() {
  return (
    <div className="shell-tools">
      <OpenRecording />
      <MetricsSwitch />
    </div>
  );
}
