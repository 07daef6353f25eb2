// The snapshot library: captured and imported snapshots with time, size, heap and pid;
// the folder path with a copy button; delete; import by drag and drop, file picker or path.
import { useState } from 'react';
import { formatBytes, formatClock } from '../../components/format';
import { heapToolsSelectors } from '../../store/heap-tools-slice';
import { useDashboard } from '../../store/store';
import {
  analyzeSnapshot,
  deleteSnapshot,
  importSnapshot,
  showSnapshotFolder,
  refreshLibrary,
  uploadSnapshotFile,
} from './heap-tools-client';
import { SnapshotDiffPanel, SnapshotSummaryTable } from './snapshot-analysis';
import { openExplorer } from './explorer-client';
import { HeapExplorer } from './heap-explorer';

function copy(text: string): void {
  void navigator.clipboard?.writeText(text).catch(() => undefined);
}

export function SnapshotLibraryCard() {
  const library = useDashboard(heapToolsSelectors.library);
  const importing = useDashboard(heapToolsSelectors.busy('import'));
  const analysing = useDashboard(heapToolsSelectors.busy('analyze'));
  const [path, setPath] = useState('');
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const upload = (file: File | undefined): void => {
    if (!file) return;
    setUploaded(0);
    void uploadSnapshotFile(file, setUploaded).finally(() => setUploaded(null));
  };
  return (
    <section className="card heap-card heap-library" aria-label="Snapshot library">
      <header>
        <h3>Snapshot library</h3>
        {library && (
          <p className="explain">
            Folder: <code data-testid="library-dir">{library.dir}</code>{' '}
            <button
              type="button"
              className="link"
              data-testid="library-open-folder"
              onClick={() => void showSnapshotFolder()}
            >
              Open folder
            </button>{' '}
            <button type="button" className="link" onClick={() => copy(library.dir)}>
              Copy path
            </button>{' '}
            <button type="button" className="link" onClick={() => void refreshLibrary()}>
              Refresh
            </button>
          </p>
        )}
      </header>
      {library === null || library.snapshots.length === 0 ? (
        <p className="empty">No snapshots yet.</p>
      ) : (
        <table className="heap-table" data-testid="library-table">
          <thead>
            <tr>
              <th>Taken</th>
              <th>Process</th>
              <th className="num">File</th>
              <th className="num">Heap</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {library.snapshots.map((s) => (
              <tr key={s.id} data-testid="library-row">
                <td title={new Date(s.createdAtMs).toISOString()}>{formatClock(s.createdAtMs)}</td>
                <td title={s.path}>
                  {s.title}
                  {s.pid !== null ? ` (PID ${s.pid})` : ''}
                  {s.source === 'imported' ? ' · imported' : ''}
                </td>
                <td className="num">{formatBytes(s.sizeBytes)}</td>
                <td className="num">{formatBytes(s.heapUsedBytes)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="link"
                    data-testid="library-analyze"
                    disabled={analysing}
                    onClick={() => void analyzeSnapshot(s.id)}
                  >
                    Analyze
                  </button>
                  <button
                    type="button"
                    className="link"
                    data-testid="library-explore"
                    title="Open in the heap explorer: dominator tree, retainers and instances (kept open in its analysis process)"
                    onClick={() =>
                      void openExplorer(s.id, `${s.title} · ${formatClock(s.createdAtMs)}`)
                    }
                  >
                    Explore
                  </button>
                  <button
                    type="button"
                    className="link"
                    onClick={() => void showSnapshotFolder(s.id)}
                  >
                    Show in folder
                  </button>
                  <button type="button" className="link" onClick={() => copy(s.path)}>
                    Copy path
                  </button>
                  <button
                    type="button"
                    className="link"
                    data-testid="library-delete"
                    onClick={() => void deleteSnapshot(s.id)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {library && <SnapshotDiffPanel snapshots={library.snapshots} />}
      <SnapshotSummaryTable />
      <HeapExplorer />
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          upload(e.dataTransfer.files[0]);
        }}
      >
        {uploaded !== null ? (
          <span>Importing… {Math.floor(uploaded * 100)} %</span>
        ) : (
          <label>
            Drop a .heapsnapshot here or{' '}
            <input
              type="file"
              accept=".heapsnapshot,application/json"
              data-testid="import-file"
              disabled={importing}
              onChange={(e) => {
                upload(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
          </label>
        )}
      </div>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void importSnapshot(path).then(() => setPath(''));
        }}
      >
        <label className="inline">
          Import a .heapsnapshot by path
          <input
            type="text"
            value={path}
            placeholder="/path/to/file.heapsnapshot"
            data-testid="import-path"
            onChange={(e) => setPath(e.target.value)}
          />
        </label>
        <button type="submit" disabled={importing}>
          Import
        </button>
      </form>
    </section>
  );
}
