// The one wording of a capture that ended because the target went away (F15), shared by
// both ways of capturing; any other non-MonitorError failure becomes a PROTOCOL error.
import { ErrorCodes, MonitorError } from '../../shared/errors';

export function captureFailure(err: unknown): MonitorError {
  if (err instanceof MonitorError && err.code === ErrorCodes.TARGET_CLOSED) {
    return new MonitorError(
      ErrorCodes.TARGET_CLOSED,
      'The target exited or its inspector closed during the heap snapshot; the partial file was removed.',
      { cause: err },
    );
  }
  return err instanceof MonitorError
    ? err
    : new MonitorError(ErrorCodes.PROTOCOL, `The heap snapshot failed: ${String(err)}`);
}
