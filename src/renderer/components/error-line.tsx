import { actions } from '../store/actions';
import { uiSelectors } from '../store/ui-slice';
import { useDashboard } from '../store/store';

/** The last error as one line with its stable code. */
export function ErrorLine() {
  const error = useDashboard(uiSelectors.lastError);
  if (!error) return null;
  return (
    <div className="error-line" role="alert">
      <span data-testid="error-line">
        <code>{error.code}</code> {error.message}
      </span>
      <button
        type="button"
        className="link"
        onClick={actions.clearError}
        aria-label="Dismiss error"
      >
        Dismiss
      </button>
    </div>
  );
}
