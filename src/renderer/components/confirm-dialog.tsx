import { useEffect, useRef } from 'react';
import { cancelPending, confirmPending } from '../commands';
import { uiSelectors } from '../store/ui-slice';
import { useDashboard } from '../store/store';

/** Asks before the client does something to another process (F5). */
export function ConfirmDialog() {
  const pending = useDashboard(uiSelectors.pendingConfirm);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!pending) return;
    // Cancel is the safe default.
    cancelRef.current?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') cancelPending();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pending]);
  if (!pending) return null;
  return (
    <div className="backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        data-testid="confirm-dialog"
      >
        <h2 id="confirm-title">Open the inspector?</h2>
        <p>{pending.message}</p>
        <div className="dialog-buttons">
          <button
            type="button"
            ref={cancelRef}
            onClick={cancelPending}
            data-testid="confirm-cancel"
          >
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void confirmPending()}
            data-testid="confirm-ok"
          >
            Send SIGUSR1 and attach
          </button>
        </div>
      </div>
    </div>
  );
}
