import { ConfirmDialog } from './components/confirm-dialog';
import { ErrorLine } from './components/error-line';
import { MainPane } from './features/groups/main-pane';
import { ProcessList } from './features/processes/process-list';
import { ShellTools } from './features/report/shell-tools';
import { useDashboard } from './store/store';
import { uiSelectors } from './store/ui-slice';

const LINK_TEXT = {
  connecting: 'connecting…',
  open: 'connected',
  closed: 'disconnected, retrying…',
} as const;

export function App() {
  const connection = useDashboard(uiSelectors.connection);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Resource Dashboard</span>
        <ShellTools />
        <span className={`link-state link-${connection}`} data-testid="link-state">
          {LINK_TEXT[connection]}
        </span>
      </header>
      <ErrorLine />
      <div className="layout">
        <ProcessList />
        <MainPane />
      </div>
      <ConfirmDialog />
    </div>
  );
}
