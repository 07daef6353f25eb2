// Command lines shortened in the middle for the process list: what tells processes
// apart is at the start (the executable) and at the end (the script and its arguments),
// while the middle is mostly node options and long paths (--import …/node_modules/…).
// The caller shows the whole line in a tooltip. Text only: the command is hostile.

const ELLIPSIS = '…';
/** The executable keeps its full path only while it takes at most this share of the room. */
const HEAD_SHARE = 0.35;
/** Width of one character of the list's 12 px monospace font, rounded up. */
export const COMMAND_CHAR_PX = 7.5;

/**
 * Node options whose value is the next word (as in src/monitor/discovery/proc-parse.ts,
 * which the renderer may not import), so `--import ./loader.mjs` is not taken for the script.
 */
const OPTIONS_WITH_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--inspect-port',
  '--debug-port',
  '--title',
  '-C',
  '--conditions',
  '--stack-size',
  '--max-old-space-size',
  '--env-file',
  '--input-type',
  '--watch-path',
]);
/** Options after which the rest is code, not a script. */
const CODE_OPTIONS = new Set(['-e', '--eval', '-p', '--print']);

/** How many characters of the command font fit in `widthPx`; a default before layout. */
export function commandCharsFor(widthPx: number): number {
  if (!Number.isFinite(widthPx) || widthPx <= 0) return 60;
  return Math.max(12, Math.floor(widthPx / COMMAND_CHAR_PX));
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 && i < p.length - 1 ? p.slice(i + 1) : p;
}

/** Index of the script among the words (after the options), or -1 when there is none. */
function scriptIndex(words: readonly string[]): number {
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') return i + 1 < words.length ? i + 1 : -1;
    if (!w.startsWith('-')) return i;
    if (CODE_OPTIONS.has(w)) return -1;
    if (OPTIONS_WITH_VALUE.has(w)) i++;
  }
  return -1;
}

/** The longest end of `path` that starts at a slash and has at most `room` characters. */
function pathTail(path: string, room: number): string | null {
  let best: string | null = null;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    if (path.length - i <= room) {
      best = path.slice(i);
      break;
    }
  }
  return best;
}

/** The end of `text` in `max` characters, starting at a space or slash when one is near. */
function endCut(head: string, text: string, max: number): string {
  const room = max - head.length - 2;
  if (room <= 0) return text.slice(0, max - 1) + ELLIPSIS;
  let tail = text.slice(text.length - room);
  let sep = '';
  for (let i = 0; i <= room / 4 && i < tail.length; i++) {
    if (tail[i] === ' ') {
      tail = tail.slice(i + 1);
      sep = ' ';
      break;
    }
    if (tail[i] === '/') {
      tail = tail.slice(i);
      break;
    }
  }
  return `${head} ${ELLIPSIS}${sep}${tail}`;
}

/**
 * `command` in at most `maxChars` characters: unchanged when it fits; else the
 * executable (its basename when the path is long), an ellipsis where the options were,
 * and the script with its arguments. The script's directories go first, then the end
 * of its arguments; its name goes last.
 */
export function shortenCommand(command: string, maxChars: number): string {
  const text = command.replace(/\s+/g, ' ').trim();
  const max = Math.max(4, Math.floor(maxChars));
  if (text.length <= max) return text;
  const words = text.split(' ');
  if (words.length === 1) return ELLIPSIS + text.slice(text.length - (max - 1));
  const exe = words[0]!;
  let head = exe.length <= max * HEAD_SHARE ? exe : basename(exe);
  if (head.length > max * HEAD_SHARE)
    head = head.slice(0, Math.max(1, Math.floor(max * HEAD_SHARE)));
  const s = scriptIndex(words);
  if (s < 0) return endCut(head, text, max);
  const script = words[s]!;
  const args = words.slice(s + 1).join(' ');
  const argsPart = args ? ` ${args}` : '';
  // 1. Only the options hidden: "node … lib/bin.js --watch db.json".
  const whole = `${head} ${ELLIPSIS} ${script}${argsPart}`;
  if (whole.length <= max) return whole;
  // 2. The script's directories too: "node …/lib/bin.js --watch db.json".
  const tail = pathTail(script, max - head.length - 2 - argsPart.length);
  if (tail) return `${head} ${ELLIPSIS}${tail}${argsPart}`;
  // 3. The script's name and the start of its arguments: "node …/bin.js --watch d…".
  const name =
    script.includes('/') && basename(script) !== script ? `/${basename(script)}` : ` ${script}`;
  const base = `${head} ${ELLIPSIS}${name}`;
  const argsRoom = max - base.length - 1;
  if (args && argsRoom >= 2) return `${base} ${args.slice(0, argsRoom - 1)}${ELLIPSIS}`;
  if (base.length + 2 <= max && args) return `${base} ${ELLIPSIS}`;
  if (base.length <= max) return base;
  return endCut(head, text, max);
}
