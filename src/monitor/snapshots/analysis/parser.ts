// Streaming .heapsnapshot loader in the spirit of devtools-frontend's HeapSnapshotLoader:
// bytes go in with write(chunk) and are never joined into one string (files above
// ~512 MB exceed V8's max string length). The header ("snapshot": {meta, node_count,
// edge_count}) is parsed as JSON; "nodes" and "edges" are parsed digit by digit straight
// into preallocated Uint32Arrays; "strings" are decoded one by one (capped); every other
// top-level value is skipped without being stored. Field positions come from meta (F20).
// Anything malformed, truncated or implausible throws SNAPSHOT_INVALID (F19).
import { ErrorCodes, MonitorError } from '../../../shared/errors';

export interface SnapshotMetaFields {
  nodeFields: string[];
  nodeTypes: string[];
  edgeFields: string[];
  edgeTypes: string[];
}

/** A parsed snapshot: flat arrays plus what is needed to read them. */
export interface RawSnapshot {
  meta: SnapshotMetaFields;
  nodeCount: number;
  edgeCount: number;
  nodeFieldCount: number;
  edgeFieldCount: number;
  nodes: Uint32Array;
  /** Edge fields; after close() the to_node field holds node ordinals, not indexes. */
  edges: Uint32Array;
  strings: string[];
  /** Field offsets, looked up from meta. */
  nodeTypeOffset: number;
  nodeNameOffset: number;
  nodeIdOffset: number;
  nodeSelfSizeOffset: number;
  nodeEdgeCountOffset: number;
  edgeTypeOffset: number;
  edgeNameOffset: number;
  edgeToNodeOffset: number;
}

export interface ParserOptions {
  /**
   * Size of the whole input in bytes. Claimed counts are checked against it before
   * anything is allocated, so a hostile header cannot make us allocate gigabytes.
   */
  totalBytes: number;
  /** Longest string kept from "strings", in UTF-16 units; longer ones are cut. */
  maxStringChars?: number;
  /** Longest accepted "snapshot" header, in bytes. */
  maxHeaderBytes?: number;
}

const DEFAULT_MAX_STRING_CHARS = 1024;
const DEFAULT_MAX_HEADER_BYTES = 1 << 20;
const MAX_SKIP_DEPTH = 64;
const UINT32_MAX = 0xffffffff;

const enum S {
  TopOpen,
  TopKeyOrEnd,
  TopKey,
  TopColon,
  Header,
  NumArrayOpen,
  NumArray,
  StrArrayOpen,
  StrArray,
  StrInString,
  Skip,
  SkipString,
  Done,
}

const NUM_KEYS = new Set(['nodes', 'edges']);

function invalid(message: string): MonitorError {
  return new MonitorError(ErrorCodes.SNAPSHOT_INVALID, `Invalid heap snapshot: ${message}`);
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class HeapSnapshotParser {
  readonly #totalBytes: number;
  readonly #maxStringChars: number;
  readonly #maxHeaderBytes: number;
  #state: S = S.TopOpen;
  #bytesSeen = 0;
  // Top-level key being read.
  #key = '';
  #keyBytes: number[] = [];
  #seenKeys = new Set<string>();
  // Header accumulation (a balanced JSON value).
  #headerChunks: Buffer[] = [];
  #headerBytes = 0;
  #depth = 0;
  #inStr = false;
  #escape = false;
  // Numeric array.
  #target: Uint32Array | null = null;
  #pos = 0;
  #cur = 0;
  #inNumber = false;
  #expectValue = true;
  // Strings.
  #strings: string[] = [];
  #strParts: Buffer[] = [];
  #strBytes = 0;
  #strHasEscape = false;
  #strEscape = false;
  #strTruncated = false;
  // Result pieces.
  #meta: SnapshotMetaFields | null = null;
  #nodeCount = 0;
  #edgeCount = 0;
  #nodes: Uint32Array | null = null;
  #edges: Uint32Array | null = null;
  #nodesFilled = false;
  #edgesFilled = false;
  #stringsSeen = false;
  #maxStrings = 1024;

  constructor(options: ParserOptions) {
    this.#totalBytes = options.totalBytes;
    this.#maxStringChars = options.maxStringChars ?? DEFAULT_MAX_STRING_CHARS;
    this.#maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  }

  get bytesSeen(): number {
    return this.#bytesSeen;
  }

  write(chunk: Buffer): void {
    const n = chunk.length;
    this.#bytesSeen += n;
    if (this.#bytesSeen > this.#totalBytes) throw invalid('the input is longer than announced.');
    let i = 0;
    while (i < n) {
      switch (this.#state) {
        case S.NumArray:
          i = this.#numArray(chunk, i);
          break;
        case S.StrInString:
          i = this.#strInString(chunk, i);
          break;
        case S.Header:
          i = this.#header(chunk, i);
          break;
        case S.Skip:
        case S.SkipString:
          i = this.#skip(chunk, i);
          break;
        case S.TopKey:
          i = this.#topKey(chunk, i);
          break;
        default:
          i = this.#structural(chunk, i);
      }
    }
  }

  close(): RawSnapshot {
    if (this.#state !== S.Done) {
      throw invalid(`the file ends early (truncated after ${this.#bytesSeen} bytes).`);
    }
    const meta = this.#meta;
    const nodes = this.#nodes;
    const edges = this.#edges;
    if (!meta || !nodes || !edges) throw invalid('the "snapshot" header is missing.');
    if (!this.#nodesFilled) throw invalid('the "nodes" array is missing.');
    if (!this.#edgesFilled) throw invalid('the "edges" array is missing.');
    if (!this.#stringsSeen) throw invalid('the "strings" array is missing.');
    const raw = buildRaw(meta, this.#nodeCount, this.#edgeCount, nodes, edges, this.#strings);
    validate(raw);
    return raw;
  }

  // Whitespace, braces, commas, colons and the starts of values at the top level.
  #structural(b: Buffer, i: number): number {
    const n = b.length;
    for (; i < n; i++) {
      const c = b[i]!;
      if (isWs(c)) continue;
      switch (this.#state) {
        case S.TopOpen:
          if (c !== 0x7b) throw invalid('it does not start with "{".');
          this.#state = S.TopKeyOrEnd;
          break;
        case S.TopKeyOrEnd:
          if (c === 0x2c) break;
          if (c === 0x7d) {
            this.#state = S.Done;
            break;
          }
          if (c !== 0x22) throw invalid(`unexpected character at byte ${this.#offset(b, i)}.`);
          this.#keyBytes = [];
          this.#state = S.TopKey;
          return i + 1;
        case S.TopColon:
          if (c !== 0x3a) throw invalid(`expected ":" after "${this.#key}".`);
          return this.#startValue(i + 1);
        case S.NumArrayOpen:
          if (c !== 0x5b) throw invalid(`"${this.#key}" is not an array.`);
          this.#state = S.NumArray;
          this.#pos = 0;
          this.#cur = 0;
          this.#inNumber = false;
          this.#expectValue = true;
          return i + 1;
        case S.StrArrayOpen:
          if (c !== 0x5b) throw invalid('"strings" is not an array.');
          this.#state = S.StrArray;
          this.#expectValue = true;
          break;
        case S.StrArray:
          if (c === 0x22) {
            if (!this.#expectValue) throw invalid('missing "," in "strings".');
            this.#strParts = [];
            this.#strBytes = 0;
            this.#strHasEscape = false;
            this.#strEscape = false;
            this.#strTruncated = false;
            this.#state = S.StrInString;
            return i + 1;
          }
          if (c === 0x2c && !this.#expectValue) {
            this.#expectValue = true;
            break;
          }
          if (c === 0x5d && (!this.#expectValue || this.#strings.length === 0)) {
            this.#stringsSeen = true;
            this.#state = S.TopKeyOrEnd;
            break;
          }
          throw invalid(
            `"strings" holds something that is not a string (byte ${this.#offset(b, i)}).`,
          );
        case S.Done:
          throw invalid('there is data after the end of the snapshot.');
        default:
          throw invalid('internal parser state error.');
      }
    }
    return i;
  }

  #offset(b: Buffer, i: number): number {
    return this.#bytesSeen - b.length + i;
  }

  #topKey(b: Buffer, i: number): number {
    const n = b.length;
    for (; i < n; i++) {
      const c = b[i]!;
      if (c === 0x22) {
        this.#key = Buffer.from(this.#keyBytes).toString('utf8');
        if (this.#seenKeys.has(this.#key)) throw invalid(`"${this.#key}" appears twice.`);
        if (this.#seenKeys.size >= 64) throw invalid('it has too many top-level keys.');
        this.#seenKeys.add(this.#key);
        this.#state = S.TopColon;
        return i + 1;
      }
      if (c === 0x5c || this.#keyBytes.length > 256) throw invalid('a top-level key is malformed.');
      this.#keyBytes.push(c);
    }
    return i;
  }

  #startValue(i: number): number {
    const key = this.#key;
    if (key === 'snapshot') {
      this.#state = S.Header;
      this.#depth = 0;
      this.#inStr = false;
      this.#escape = false;
      this.#headerChunks = [];
      this.#headerBytes = 0;
      return i;
    }
    if (NUM_KEYS.has(key)) {
      if (!this.#meta) throw invalid(`"${key}" comes before the "snapshot" header.`);
      this.#target = key === 'nodes' ? this.#nodes : this.#edges;
      this.#state = S.NumArrayOpen;
      return i;
    }
    if (key === 'strings') {
      this.#state = S.StrArrayOpen;
      return i;
    }
    this.#state = S.Skip;
    this.#depth = 0;
    this.#inStr = false;
    this.#escape = false;
    return i;
  }

  // Collects one balanced JSON value (the header) then parses it.
  #header(b: Buffer, i: number): number {
    const start = i;
    const n = b.length;
    let end = -1;
    for (; i < n; i++) {
      const c = b[i]!;
      if (this.#inStr) {
        if (this.#escape) this.#escape = false;
        else if (c === 0x5c) this.#escape = true;
        else if (c === 0x22) this.#inStr = false;
        continue;
      }
      if (c === 0x22) this.#inStr = true;
      else if (c === 0x7b || c === 0x5b) this.#depth++;
      else if (c === 0x7d || c === 0x5d) {
        this.#depth--;
        if (this.#depth === 0) {
          end = i + 1;
          break;
        }
        if (this.#depth < 0) throw invalid('the "snapshot" header is malformed.');
      } else if (this.#depth === 0 && !isWs(c)) {
        throw invalid('the "snapshot" header is not an object.');
      }
    }
    const stop = end === -1 ? n : end;
    this.#headerBytes += stop - start;
    if (this.#headerBytes > this.#maxHeaderBytes)
      throw invalid('the "snapshot" header is too large.');
    this.#headerChunks.push(Buffer.from(b.subarray(start, stop)));
    if (end === -1) return n;
    const text = Buffer.concat(this.#headerChunks).toString('utf8');
    this.#headerChunks = [];
    let header: unknown;
    try {
      header = JSON.parse(text);
    } catch {
      throw invalid('the "snapshot" header is not valid JSON.');
    }
    this.#acceptHeader(header);
    this.#state = S.TopKeyOrEnd;
    return end;
  }

  #acceptHeader(header: unknown): void {
    if (typeof header !== 'object' || header === null)
      throw invalid('"snapshot" is not an object.');
    const h = header as Record<string, unknown>;
    const meta = parseMeta(h.meta);
    const nodeCount = h.node_count;
    const edgeCount = h.edge_count;
    if (!Number.isSafeInteger(nodeCount) || (nodeCount as number) < 1) {
      throw invalid('"node_count" is missing or not a positive integer.');
    }
    if (!Number.isSafeInteger(edgeCount) || (edgeCount as number) < 0) {
      throw invalid('"edge_count" is missing or not a non-negative integer.');
    }
    const nodeLen = (nodeCount as number) * meta.nodeFields.length;
    const edgeLen = (edgeCount as number) * meta.edgeFields.length;
    // Every number takes at least two bytes ("0,"): a file of B bytes cannot hold more
    // than B/2 of them. Checked before allocating anything.
    if ((nodeLen + edgeLen) * 2 > this.#totalBytes) {
      throw invalid(
        `it claims ${nodeCount as number} nodes and ${edgeCount as number} edges, more than a file of ${this.#totalBytes} bytes can hold.`,
      );
    }
    if (nodeLen > UINT32_MAX || edgeLen > UINT32_MAX)
      throw invalid('the node or edge count is too large.');
    // Every string is the name of a node, an edge or a traced function: more than that
    // is a hostile file trying to exhaust memory with tiny strings.
    const traceFunctions = Number.isSafeInteger(h.trace_function_count)
      ? (h.trace_function_count as number)
      : 0;
    this.#maxStrings =
      (nodeCount as number) + (edgeCount as number) + 2 * Math.max(0, traceFunctions) + 1024;
    this.#meta = meta;
    this.#nodeCount = nodeCount as number;
    this.#edgeCount = edgeCount as number;
    this.#nodes = new Uint32Array(nodeLen);
    this.#edges = new Uint32Array(edgeLen);
  }

  // The hot loop: non-negative integers separated by commas, straight into the array.
  // A number is read by a tight inner loop; only a number cut by the chunk end keeps
  // state (cur, inNumber) for the next chunk.
  #numArray(b: Buffer, i: number): number {
    const target = this.#target!;
    const cap = target.length;
    const n = b.length;
    let pos = this.#pos;
    let expectValue = this.#expectValue;
    let c: number;
    if (this.#inNumber) {
      // Finish the number the previous chunk cut.
      let v = this.#cur;
      while (i < n && (c = b[i]!) >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        i++;
      }
      if (i === n) {
        this.#cur = v;
        return n;
      }
      this.#inNumber = false;
      this.#cur = 0;
      if (v > UINT32_MAX) throw invalid(`a number in "${this.#key}" is out of range.`);
      if (pos >= cap) throw invalid(`"${this.#key}" is longer than the header announces.`);
      target[pos++] = v;
      expectValue = false;
    }
    while (i < n) {
      c = b[i]!;
      if (c >= 48 && c <= 57) {
        if (!expectValue)
          throw invalid(`missing "," in "${this.#key}" (byte ${this.#offset(b, i)}).`);
        let v = c - 48;
        i++;
        while (i < n && (c = b[i]!) >= 48 && c <= 57) {
          v = v * 10 + (c - 48);
          i++;
        }
        if (i === n) {
          // Cut by the chunk end: the next chunk may hold more digits.
          this.#cur = v;
          this.#inNumber = true;
          break;
        }
        if (v > UINT32_MAX) throw invalid(`a number in "${this.#key}" is out of range.`);
        if (pos >= cap) throw invalid(`"${this.#key}" is longer than the header announces.`);
        target[pos++] = v;
        expectValue = false;
        // c is the non-digit after the number: handled below.
      }
      if (c === 0x2c) {
        if (expectValue)
          throw invalid(`an empty value in "${this.#key}" (byte ${this.#offset(b, i)}).`);
        expectValue = true;
      } else if (c === 0x5d) {
        if (expectValue && pos > 0) throw invalid(`a trailing "," in "${this.#key}".`);
        if (pos !== cap) {
          throw invalid(`"${this.#key}" holds ${pos} numbers but the header announces ${cap}.`);
        }
        if (this.#key === 'nodes') this.#nodesFilled = true;
        else this.#edgesFilled = true;
        this.#state = S.TopKeyOrEnd;
        this.#target = null;
        this.#pos = pos;
        return i + 1;
      } else if (!isWs(c)) {
        throw invalid(
          `"${this.#key}" holds something that is not a non-negative integer (byte ${this.#offset(b, i)}).`,
        );
      }
      i++;
    }
    this.#pos = pos;
    this.#expectValue = expectValue;
    return n;
  }

  #strInString(b: Buffer, i: number): number {
    const n = b.length;
    let start = i;
    let escape = this.#strEscape;
    let high = 0;
    for (; i < n; i++) {
      const c = b[i]!;
      high |= c;
      if (escape) {
        escape = false;
        continue;
      }
      if (c === 0x5c) {
        escape = true;
        this.#strHasEscape = true;
      } else if (c === 0x22) {
        if (this.#strings.length >= this.#maxStrings) {
          throw invalid('it holds more strings than its nodes and edges can name.');
        }
        if (
          this.#strParts.length === 0 &&
          !this.#strHasEscape &&
          i - start <= this.#maxStringChars
        ) {
          // Fast path (most strings): whole, unescaped and short, inside this chunk.
          this.#strings.push(b.toString((high & 0x80) === 0 ? 'latin1' : 'utf8', start, i));
        } else {
          this.#appendStr(b, start, i);
          this.#finishString();
        }
        this.#strEscape = false;
        // Go straight on to the next string when `,"` follows in this chunk.
        let k = i + 1;
        while (k < n && isWs(b[k]!)) k++;
        if (k < n && b[k] === 0x2c) {
          k++;
          while (k < n && isWs(b[k]!)) k++;
          if (k < n && b[k] === 0x22) {
            this.#strParts = [];
            this.#strBytes = 0;
            this.#strHasEscape = false;
            this.#strTruncated = false;
            start = k + 1;
            i = k;
            high = 0;
            continue;
          }
          this.#expectValue = true;
        } else {
          this.#expectValue = false;
        }
        this.#state = S.StrArray;
        return k;
      } else if (c < 0x20) {
        throw invalid('a string holds a raw control character.');
      }
    }
    this.#strEscape = escape;
    this.#appendStr(b, start, n);
    return n;
  }

  #appendStr(b: Buffer, start: number, end: number): void {
    if (end <= start || this.#strTruncated) return;
    // Keep at most ~4 bytes per kept char plus room for escapes; the rest is dropped.
    const budget = this.#maxStringChars * 6 - this.#strBytes;
    let stop = end;
    if (end - start > budget) {
      stop = start + Math.max(0, budget);
      this.#strTruncated = true;
    }
    if (stop > start) {
      this.#strParts.push(Buffer.from(b.subarray(start, stop)));
      this.#strBytes += stop - start;
    }
  }

  #finishString(): void {
    const bytes = this.#strParts.length === 1 ? this.#strParts[0]! : Buffer.concat(this.#strParts);
    this.#strParts = [];
    let text: string;
    if (!this.#strHasEscape) {
      text = bytes.toString('utf8');
    } else {
      text = decodeEscaped(bytes.toString('utf8'), this.#strTruncated);
    }
    if (text.length > this.#maxStringChars) text = text.slice(0, this.#maxStringChars);
    if (this.#strTruncated && !text.endsWith('…')) text += '…';
    this.#strings.push(text);
  }

  // Skips one JSON value of an unknown or unused key without storing it.
  #skip(b: Buffer, i: number): number {
    const n = b.length;
    for (; i < n; i++) {
      const c = b[i]!;
      if (this.#inStr) {
        if (this.#escape) this.#escape = false;
        else if (c === 0x5c) this.#escape = true;
        else if (c === 0x22) {
          this.#inStr = false;
          if (this.#depth === 0) return this.#endSkip(i + 1);
        }
        continue;
      }
      if (c === 0x22) this.#inStr = true;
      else if (c === 0x7b || c === 0x5b) {
        if (++this.#depth > MAX_SKIP_DEPTH) throw invalid(`"${this.#key}" is nested too deeply.`);
      } else if (c === 0x7d || c === 0x5d) {
        if (this.#depth === 0) {
          // End of the enclosing object: the skipped value was a bare scalar.
          this.#state = S.TopKeyOrEnd;
          return i;
        }
        if (--this.#depth === 0) return this.#endSkip(i + 1);
      } else if (c === 0x2c && this.#depth === 0) {
        return this.#endSkip(i);
      }
    }
    return i;
  }

  #endSkip(i: number): number {
    this.#state = S.TopKeyOrEnd;
    return i;
  }
}

function decodeEscaped(raw: string, truncated: boolean): string {
  let s = raw;
  for (let cut = 0; cut <= 6; cut++) {
    try {
      return JSON.parse(`"${s}"`) as string;
    } catch {
      if (!truncated) break;
      s = raw.slice(0, raw.length - cut - 1);
    }
  }
  throw invalid('a string holds an invalid escape sequence.');
}

function stringArray(v: unknown, what: string): string[] {
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    v.length > 1000 ||
    !v.every((x) => typeof x === 'string')
  ) {
    throw invalid(`meta "${what}" is not a list of field names.`);
  }
  return v as string[];
}

function parseMeta(v: unknown): SnapshotMetaFields {
  if (typeof v !== 'object' || v === null) throw invalid('"snapshot.meta" is missing.');
  const m = v as Record<string, unknown>;
  const nodeFields = stringArray(m.node_fields, 'node_fields');
  const edgeFields = stringArray(m.edge_fields, 'edge_fields');
  // node_types / edge_types are aligned with the fields: the list of type names sits at
  // the position of the "type" field.
  const nodeTypes0 = Array.isArray(m.node_types)
    ? (m.node_types[nodeFields.indexOf('type')] as unknown)
    : undefined;
  const edgeTypes0 = Array.isArray(m.edge_types)
    ? (m.edge_types[edgeFields.indexOf('type')] as unknown)
    : undefined;
  const nodeTypes = stringArray(nodeTypes0, 'node_types');
  const edgeTypes = stringArray(edgeTypes0, 'edge_types');
  if (
    new Set(nodeFields).size !== nodeFields.length ||
    new Set(edgeFields).size !== edgeFields.length
  ) {
    throw invalid('meta lists a field twice.');
  }
  for (const f of ['type', 'name', 'id', 'self_size', 'edge_count']) {
    if (!nodeFields.includes(f)) throw invalid(`meta "node_fields" lacks "${f}".`);
  }
  for (const f of ['type', 'name_or_index', 'to_node']) {
    if (!edgeFields.includes(f)) throw invalid(`meta "edge_fields" lacks "${f}".`);
  }
  return { nodeFields, nodeTypes, edgeFields, edgeTypes };
}

function buildRaw(
  meta: SnapshotMetaFields,
  nodeCount: number,
  edgeCount: number,
  nodes: Uint32Array,
  edges: Uint32Array,
  strings: string[],
): RawSnapshot {
  const nf = meta.nodeFields;
  const ef = meta.edgeFields;
  return {
    meta,
    nodeCount,
    edgeCount,
    nodeFieldCount: nf.length,
    edgeFieldCount: ef.length,
    nodes,
    edges,
    strings,
    nodeTypeOffset: nf.indexOf('type'),
    nodeNameOffset: nf.indexOf('name'),
    nodeIdOffset: nf.indexOf('id'),
    nodeSelfSizeOffset: nf.indexOf('self_size'),
    nodeEdgeCountOffset: nf.indexOf('edge_count'),
    edgeTypeOffset: ef.indexOf('type'),
    edgeNameOffset: ef.indexOf('name_or_index'),
    edgeToNodeOffset: ef.indexOf('to_node'),
  };
}

/** Cross-checks that make every later array access safe. */
function validate(raw: RawSnapshot): void {
  const { nodes, edges, nodeFieldCount: nfc, edgeFieldCount: efc, strings } = raw;
  const nodeTypeCount = raw.meta.nodeTypes.length;
  const edgeTypeCount = raw.meta.edgeTypes.length;
  const stringCount = strings.length;
  let edgeSum = 0;
  for (let i = 0; i < nodes.length; i += nfc) {
    if (nodes[i + raw.nodeTypeOffset]! >= nodeTypeCount) {
      throw invalid(`node ${i / nfc} has an unknown type index.`);
    }
    if (nodes[i + raw.nodeNameOffset]! >= stringCount) {
      throw invalid(
        `node ${i / nfc} names string ${nodes[i + raw.nodeNameOffset]!}, out of range.`,
      );
    }
    edgeSum += nodes[i + raw.nodeEdgeCountOffset]!;
  }
  if (edgeSum !== raw.edgeCount) {
    throw invalid(`the nodes own ${edgeSum} edges but the header announces ${raw.edgeCount}.`);
  }
  // Element and hidden edges carry an index, every other type a string index.
  const indexTypes = new Uint8Array(edgeTypeCount);
  raw.meta.edgeTypes.forEach((t, k) => {
    if (t === 'element' || t === 'hidden') indexTypes[k] = 1;
  });
  const nodesLen = nodes.length;
  for (let i = 0; i < edges.length; i += efc) {
    const type = edges[i + raw.edgeTypeOffset]!;
    if (type >= edgeTypeCount) throw invalid(`edge ${i / efc} has an unknown type index.`);
    const to = edges[i + raw.edgeToNodeOffset]!;
    if (to >= nodesLen || to % nfc !== 0) {
      throw invalid(`edge ${i / efc} points to ${to}, which is not a node.`);
    }
    // From here on to_node holds the node ordinal, which saves a division per edge
    // in every later pass.
    edges[i + raw.edgeToNodeOffset] = to / nfc;
    if (indexTypes[type] === 0 && edges[i + raw.edgeNameOffset]! >= stringCount) {
      throw invalid(
        `edge ${i / efc} names string ${edges[i + raw.edgeNameOffset]!}, out of range.`,
      );
    }
  }
}
