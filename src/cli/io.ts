// Where the CLI writes. Commands get an Io so tests can capture output, and every
// failure leaves as one line: `resdash: <message> (<CODE>)`.
import { serializeError } from '../shared/errors';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};

/** Control characters (ANSI escapes, newlines) from hostile target strings (F23). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL_CHARS, ' ');
}

export function failureLine(err: unknown): string {
  const { code, message } = serializeError(err);
  return `resdash: ${printable(message).trim()} (${code})`;
}
