// A strict validator of the Prometheus text exposition format 0.0.4, written from the
// spec (shared by the metrics tests; promtool lints the same text where it is installed).

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface ParsedFamily {
  type: string;
  help: string | null;
  samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|NaN)$/;

function parseValue(text: string, where: string): number {
  if (!FLOAT.test(text) || text === '-NaN' || text === '+NaN')
    throw new Error(`${where}: bad value ${text}`);
  return text.endsWith('Inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
}

function unescape(text: string, allowed: string, where: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => {
    if (!allowed.includes(c)) throw new Error(`${where}: bad escape \\${c}`);
    return c === 'n' ? '\n' : c;
  });
}

function familyOf(name: string, families: Map<string, ParsedFamily>): string {
  for (const [suffix, types] of [
    ['_sum', ['summary', 'histogram']],
    ['_count', ['summary', 'histogram']],
    ['_bucket', ['histogram']],
  ] as const) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (types as readonly string[]).includes(f.type)) return base;
    }
  }
  return name;
}

export function validateExposition(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith('\n')) throw new Error('the text must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: string | null = null;
  const open = (name: string, where: string): ParsedFamily => {
    if (current !== name) {
      if (closed.has(name)) throw new Error(`${where}: family ${name} is not contiguous`);
      if (current) closed.add(current);
      current = name;
    }
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: 'untyped', help: null, samples: [] }));
    return f;
  };
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) throw new Error(`${where}: bad metric name ${name}`);
      const f = open(name!, where);
      if (kind === 'HELP') {
        if (f.help !== null) throw new Error(`${where}: second HELP for ${name}`);
        f.help = unescape(rest, '\\n', where);
      } else {
        if (!TYPES.has(rest)) throw new Error(`${where}: bad type ${rest}`);
        if (f.samples.length > 0) throw new Error(`${where}: TYPE after samples of ${name}`);
        if (f.type !== 'untyped' || (families.get(name!) as { typed?: boolean }).typed)
          throw new Error(`${where}: second TYPE for ${name}`);
        f.type = rest;
        (f as { typed?: boolean }).typed = true;
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?$/.exec(line);
    if (!m) throw new Error(`${where}: not a sample line: ${line}`);
    const [, name, , body = '', value] = m;
    const labels: Record<string, string> = {};
    let rest = body;
    while (rest.length > 0) {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(,?)/.exec(rest);
      if (!lm) throw new Error(`${where}: bad labels {${body}}`);
      const [all, lname, lvalue, comma] = lm;
      if (!LABEL_NAME.test(lname!) || lname!.startsWith('__'))
        throw new Error(`${where}: bad label name ${lname}`);
      if (lname! in labels) throw new Error(`${where}: duplicate label ${lname}`);
      labels[lname!] = unescape(lvalue!, '\\"n', where);
      rest = rest.slice(all.length);
      if (!comma && rest.length > 0) throw new Error(`${where}: labels not comma-separated`);
    }
    const fname = familyOf(name!, families);
    const f = open(fname, where);
    if (f.type === 'summary' && name === fname && !('quantile' in labels))
      throw new Error(`${where}: summary sample without quantile`);
    const key = `${name}{${Object.entries(labels)
      .sort()
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(key)) throw new Error(`${where}: duplicate series ${key}`);
    seen.add(key);
    f.samples.push({ name: name!, labels, value: parseValue(value!, where) });
  });
  return families;
}
