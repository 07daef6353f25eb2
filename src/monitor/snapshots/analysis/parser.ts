// Streaming .heapsnapshot loader in the spirit of devtools-frontend's HeapSnapshotLoader:
// bytes go in with write(chunk) and are never joined into one string (files above
// ~512 MB exceed V8's max string length). The header ("snapshot": {meta, node_count,
// edge_count}) is parsed as JSON; "nodes" and "edges" are parsed digit by digit and
// placed field by field into flat typed arrays, one per field the analysis reads (the
// others, e.g. trace_node_id and detachedness, are dropped); "strings" go into one UTF-8
// table (strings.ts); every other top-level value is skipped without being stored.
// Field positions come from meta (F20). Anything malformed, truncated or implausible
// throws SNAPSHOT_INVALID (F19).
//
// The numeric arrays can also be handed to parallel-parse.ts: with pauseAtNumbers the
// parser stops right after the first numeric array's "[" (pausedAt), the caller places
// the numbers through the same NumberPlacer, then resumeAt() the byte after the region.
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import { StringTable } from './strings';
import { NumKey } from './tokenize';

export interface SnapshotMetaFields {
  nodeFields: string[];
  nodeTypes: string[];
  edgeFields: string[];
  edgeTypes: string[];
}

/** A parsed snapshot: one flat array per field. Node n's edges are firstEdge[n]..firstEdge[n+1]. */
export interface RawSnapshot {
  meta: SnapshotMetaFields;
  nodeCount: number;
  edgeCount: number;
  /** Index into meta.nodeTypes. */
  nodeType: Uint8Array;
  /** Index into strings. */
  nodeName: Uint32Array;
  nodeId: Uint32Array;
  nodeSelfSize: Uint32Array;
  /** nodeCount + 1 entries. */
  firstEdge: Uint32Array;
  /** Index into meta.edgeTypes. */
  edgeType: Uint8Array;
  /** A string index, or the element / hidden index for those edge types. */
  edgeName: Uint32Array;
  /** The target's node ordinal (the file's to_node divided by the node field count). */
  edgeTo: Uint32Array;
  strings: StringTable;
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
  /** Stop at the start of the first numeric array (see pausedAt / resumeAt). */
  pauseAtNumbers?: boolean;
}

const DEFAULT_MAX_STRING_CHARS = 1024;
const DEFAULT_MAX_HEADER_BYTES = 1 << 20;
const MAX_SKIP_DEPTH = 64;
const UINT32_MAX = 0xffffffff;
/** Node and edge types are stored in bytes. */
const MAX_TYPES = 255;
const SCRATCH_NUMBERS = 1 << 16;

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
  Paused,
  Done,
}

export function invalid(message: string): MonitorError {
  return new MonitorError(ErrorCodes.SNAPSHOT_INVALID, `Invalid heap snapshot: ${message}`);
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Typed arrays on shared memory, so a worker thread can read them without a copy. */
export function sharedU32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
}
export function sharedU8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, n)));
}

const enum NodeRole {
  Skip = 0,
  Type = 1,
  Name = 2,
  Id = 3,
  Self = 4,
  EdgeCount = 5,
}
const enum EdgeRole {
  Skip = 0,
  Type = 1,
  Name = 2,
  To = 3,
}

/**
 * Puts the numbers of "nodes" and "edges" into the per-field arrays, checking each one
 * on the way (types in range, to_node a node, edge counts adding up): both the
 * sequential parser and the parallel tokenizer feed it, in file order.
 */
/**
 * Whole node records buf[from..to) into the field arrays. st: [next node, edge count so
 * far, largest name index], updated. 0 = fine, 1 = an unknown type, 2 = too many edges.
 */
function nodeRecords(
  buf: Uint32Array,
  from: number,
  to: number,
  nfc: number,
  at: Int32Array,
  types: number,
  edgeCount: number,
  nodeType: Uint8Array,
  nodeName: Uint32Array,
  nodeId: Uint32Array,
  nodeSelfSize: Uint32Array,
  firstEdge: Uint32Array,
  st: Uint32Array,
): number {
  const typeAt = at[0]!;
  const nameAt = at[1]!;
  const idAt = at[2]!;
  const selfAt = at[3]!;
  const countAt = at[4]!;
  let i = st[0]!;
  let acc = st[1]!;
  let maxName = st[2]!;
  let bad = 0;
  for (let k = from; k < to; k += nfc) {
    const t = buf[k + typeAt]!;
    if (t >= types) {
      bad = 1;
      break;
    }
    nodeType[i] = t;
    const name = buf[k + nameAt]!;
    nodeName[i] = name;
    if (name > maxName) maxName = name;
    nodeId[i] = buf[k + idAt]!;
    nodeSelfSize[i] = buf[k + selfAt]!;
    acc += buf[k + countAt]!;
    if (acc > edgeCount) {
      bad = 2;
      break;
    }
    i++;
    firstEdge[i] = acc;
    // State written as it goes: a store after a long loop has no type feedback when
    // the loop is optimized on stack, and V8 would deoptimize there on every call.
    st[0] = i;
    st[1] = acc;
    st[2] = maxName;
  }
  return bad;
}

/**
 * Whole edge records into the field arrays, to_node turned into a node ordinal. st[0]:
 * next edge, updated; st[1]: the bad to_node. 0 = fine, 1 = an unknown type, 2 = not a node.
 */
function edgeRecords(
  buf: Uint32Array,
  from: number,
  to: number,
  efc: number,
  nfc: number,
  at: Int32Array,
  types: number,
  nodeCount: number,
  edgeType: Uint8Array,
  edgeName: Uint32Array,
  edgeTo: Uint32Array,
  indexTypes: Uint8Array,
  st: Uint32Array,
): number {
  const typeAt = at[0]!;
  const nameAt = at[1]!;
  const toAt = at[2]!;
  const inv = 1 / nfc;
  let i = st[0]!;
  let maxName = st[2]!;
  let bad = 0;
  for (let k = from; k < to; k += efc) {
    const t = buf[k + typeAt]!;
    if (t >= types) {
      bad = 1;
      break;
    }
    edgeType[i] = t;
    const name = buf[k + nameAt]!;
    edgeName[i] = name;
    // Largest string an edge names (element and hidden edges name an index instead).
    if (indexTypes[t] === 0 && name > maxName) maxName = name;
    const v = buf[k + toAt]!;
    // A multiply instead of a division per edge; exact for every multiple of nfc.
    const q = Math.round(v * inv);
    if (q * nfc !== v || q >= nodeCount) {
      st[1] = v;
      bad = 2;
      break;
    }
    edgeTo[i] = q;
    i++;
    st[0] = i;
    st[2] = maxName;
  }
  return bad;
}

export class NumberPlacer {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly edgeTypes: string[];
  readonly nodeType: Uint8Array;
  readonly nodeName: Uint32Array;
  readonly nodeId: Uint32Array;
  readonly nodeSelfSize: Uint32Array;
  readonly firstEdge: Uint32Array;
  readonly edgeType: Uint8Array;
  readonly edgeName: Uint32Array;
  readonly edgeTo: Uint32Array;
  nodesFilled = false;
  edgesFilled = false;
  /** Largest string index a node names (checked once the strings are known). */
  maxNodeName = 0;
  /** Largest string index an edge names (element and hidden edges aside). */
  maxEdgeName = 0;
  readonly #indexTypes: Uint8Array;
  readonly #nodeRoles: Uint8Array;
  readonly #edgeRoles: Uint8Array;
  readonly #nodeTypeCount: number;
  readonly #edgeTypeCount: number;
  /** Position of each field the analysis reads within a record. */
  readonly #nodeAt: Int32Array;
  readonly #edgeAt: Int32Array;
  /** Loop state handed to and from the record loops. */
  readonly #state = new Uint32Array(4);
  #array: NumKey = NumKey.None;
  #pos = 0;
  #cap = 0;
  #f = 0;
  #i = 0;
  #edgeAcc = 0;

  constructor(meta: SnapshotMetaFields, nodeCount: number, edgeCount: number) {
    this.nodeCount = nodeCount;
    this.edgeCount = edgeCount;
    this.edgeTypes = meta.edgeTypes;
    this.#nodeTypeCount = meta.nodeTypes.length;
    this.#edgeTypeCount = meta.edgeTypes.length;
    this.#nodeRoles = Uint8Array.from(meta.nodeFields, (f) =>
      f === 'type'
        ? NodeRole.Type
        : f === 'name'
          ? NodeRole.Name
          : f === 'id'
            ? NodeRole.Id
            : f === 'self_size'
              ? NodeRole.Self
              : f === 'edge_count'
                ? NodeRole.EdgeCount
                : NodeRole.Skip,
    );
    this.#edgeRoles = Uint8Array.from(meta.edgeFields, (f) =>
      f === 'type'
        ? EdgeRole.Type
        : f === 'name_or_index'
          ? EdgeRole.Name
          : f === 'to_node'
            ? EdgeRole.To
            : EdgeRole.Skip,
    );
    const nf = meta.nodeFields;
    const ef = meta.edgeFields;
    this.#nodeAt = Int32Array.from(['type', 'name', 'id', 'self_size', 'edge_count'], (f) =>
      nf.indexOf(f),
    );
    this.#edgeAt = Int32Array.from(['type', 'name_or_index', 'to_node'], (f) => ef.indexOf(f));
    this.#indexTypes = indexEdgeTypes(meta.edgeTypes);
    this.nodeType = sharedU8(nodeCount);
    this.nodeName = sharedU32(nodeCount);
    this.nodeId = sharedU32(nodeCount);
    this.nodeSelfSize = sharedU32(nodeCount);
    this.firstEdge = sharedU32(nodeCount + 1);
    this.edgeType = sharedU8(edgeCount);
    this.edgeName = sharedU32(edgeCount);
    this.edgeTo = sharedU32(edgeCount);
  }

  get current(): NumKey {
    return this.#array;
  }

  static keyName(key: NumKey): string {
    return key === NumKey.Nodes ? 'nodes' : 'edges';
  }

  begin(key: NumKey): void {
    if (this.#array !== NumKey.None) throw invalid('a numeric array did not end.');
    if (key === NumKey.Nodes ? this.nodesFilled : this.edgesFilled) {
      throw invalid(`"${NumberPlacer.keyName(key)}" appears twice.`);
    }
    this.#array = key;
    this.#pos = 0;
    this.#f = 0;
    this.#i = 0;
    this.#cap =
      key === NumKey.Nodes
        ? this.nodeCount * this.#nodeRoles.length
        : this.edgeCount * this.#edgeRoles.length;
    if (key === NumKey.Nodes) this.#edgeAcc = 0;
  }

  place(buf: Uint32Array, from: number, to: number): void {
    const count = to - from;
    if (count <= 0) return;
    const key = this.#array;
    if (this.#pos + count > this.#cap) {
      throw invalid(`"${NumberPlacer.keyName(key)}" is longer than the header announces.`);
    }
    this.#pos += count;
    if (key === NumKey.Nodes) this.#placeNodes(buf, from, to);
    else this.#placeEdges(buf, from, to);
  }

  // Whole records are placed by a loop that reads each field at its fixed offset (no
  // per-number dispatch); only a record cut by a buffer's edge goes number by number.
  #placeNodes(buf: Uint32Array, from: number, to: number): void {
    const nfc = this.#nodeRoles.length;
    let k = from;
    while (k < to && this.#f !== 0) this.#placeNodeField(buf[k++]!);
    const whole = k + Math.floor((to - k) / nfc) * nfc;
    if (whole > k) {
      this.#placeNodeRecords(buf, k, whole);
      k = whole;
    }
    while (k < to) this.#placeNodeField(buf[k++]!);
  }

  #placeNodeRecords(buf: Uint32Array, from: number, to: number): void {
    const st = this.#state;
    st[0] = this.#i;
    st[1] = this.#edgeAcc;
    st[2] = this.maxNodeName;
    // A few records first, so that the loop has type feedback before it runs long.
    const warm = Math.min(to, from + 8 * this.#nodeRoles.length);
    let bad = nodeRecords(
      buf,
      from,
      warm,
      this.#nodeRoles.length,
      this.#nodeAt,
      this.#nodeTypeCount,
      this.edgeCount,
      this.nodeType,
      this.nodeName,
      this.nodeId,
      this.nodeSelfSize,
      this.firstEdge,
      st,
    );
    if (bad === 0 && warm < to) {
      bad = nodeRecords(
        buf,
        warm,
        to,
        this.#nodeRoles.length,
        this.#nodeAt,
        this.#nodeTypeCount,
        this.edgeCount,
        this.nodeType,
        this.nodeName,
        this.nodeId,
        this.nodeSelfSize,
        this.firstEdge,
        st,
      );
    }
    this.#i = st[0]!;
    this.#edgeAcc = st[1]!;
    this.maxNodeName = st[2]!;
    if (bad === 1) throw invalid(`node ${this.#i} has an unknown type index.`);
    if (bad === 2) {
      throw invalid(`the nodes own more than the ${this.edgeCount} edges the header announces.`);
    }
  }

  #placeNodeField(v: number): void {
    const i = this.#i;
    switch (this.#nodeRoles[this.#f]) {
      case NodeRole.Type:
        if (v >= this.#nodeTypeCount) throw invalid(`node ${i} has an unknown type index.`);
        this.nodeType[i] = v;
        break;
      case NodeRole.Name:
        this.nodeName[i] = v;
        if (v > this.maxNodeName) this.maxNodeName = v;
        break;
      case NodeRole.Id:
        this.nodeId[i] = v;
        break;
      case NodeRole.Self:
        this.nodeSelfSize[i] = v;
        break;
      case NodeRole.EdgeCount:
        this.#edgeAcc += v;
        if (this.#edgeAcc > this.edgeCount) {
          throw invalid(
            `the nodes own more than the ${this.edgeCount} edges the header announces.`,
          );
        }
        this.firstEdge[i + 1] = this.#edgeAcc;
        break;
    }
    if (++this.#f === this.#nodeRoles.length) {
      this.#f = 0;
      this.#i = i + 1;
    }
  }

  #placeEdges(buf: Uint32Array, from: number, to: number): void {
    const efc = this.#edgeRoles.length;
    let k = from;
    while (k < to && this.#f !== 0) this.#placeEdgeField(buf[k++]!);
    const whole = k + Math.floor((to - k) / efc) * efc;
    if (whole > k) {
      this.#placeEdgeRecords(buf, k, whole);
      k = whole;
    }
    while (k < to) this.#placeEdgeField(buf[k++]!);
  }

  #placeEdgeRecords(buf: Uint32Array, from: number, to: number): void {
    const st = this.#state;
    st[0] = this.#i;
    st[2] = this.maxEdgeName;
    const warm = Math.min(to, from + 8 * this.#edgeRoles.length);
    let bad = edgeRecords(
      buf,
      from,
      warm,
      this.#edgeRoles.length,
      this.#nodeRoles.length,
      this.#edgeAt,
      this.#edgeTypeCount,
      this.nodeCount,
      this.edgeType,
      this.edgeName,
      this.edgeTo,
      this.#indexTypes,
      st,
    );
    if (bad === 0 && warm < to) {
      bad = edgeRecords(
        buf,
        warm,
        to,
        this.#edgeRoles.length,
        this.#nodeRoles.length,
        this.#edgeAt,
        this.#edgeTypeCount,
        this.nodeCount,
        this.edgeType,
        this.edgeName,
        this.edgeTo,
        this.#indexTypes,
        st,
      );
    }
    this.#i = st[0]!;
    this.maxEdgeName = st[2]!;
    if (bad === 1) throw invalid(`edge ${this.#i} has an unknown type index.`);
    if (bad === 2) throw invalid(`edge ${this.#i} points to ${st[1]!}, which is not a node.`);
  }

  #placeEdgeField(v: number): void {
    const i = this.#i;
    switch (this.#edgeRoles[this.#f]) {
      case EdgeRole.Type:
        if (v >= this.#edgeTypeCount) throw invalid(`edge ${i} has an unknown type index.`);
        this.edgeType[i] = v;
        break;
      case EdgeRole.Name:
        this.edgeName[i] = v;
        break;
      case EdgeRole.To: {
        const nfc = this.#nodeRoles.length;
        if (v % nfc !== 0 || v / nfc >= this.nodeCount) {
          throw invalid(`edge ${i} points to ${v}, which is not a node.`);
        }
        this.edgeTo[i] = v / nfc;
        break;
      }
    }
    if (++this.#f === this.#edgeRoles.length) {
      // The record is whole: its type says whether its name is a string index.
      const name = this.edgeName[i]!;
      if (this.#indexTypes[this.edgeType[i]!] === 0 && name > this.maxEdgeName) {
        this.maxEdgeName = name;
      }
      this.#f = 0;
      this.#i = i + 1;
    }
  }

  /** The current array's "]": checks its length. */
  finish(): void {
    const key = this.#array;
    if (key === NumKey.None) return;
    if (this.#pos !== this.#cap) {
      throw invalid(
        `"${NumberPlacer.keyName(key)}" holds ${this.#pos} numbers but the header announces ${this.#cap}.`,
      );
    }
    if (key === NumKey.Nodes) this.nodesFilled = true;
    else this.edgesFilled = true;
    this.#array = NumKey.None;
  }
}

export class HeapSnapshotParser {
  readonly #totalBytes: number;
  readonly #maxStringChars: number;
  readonly #maxHeaderBytes: number;
  readonly #pauseAtNumbers: boolean;
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
  #placer: NumberPlacer | null = null;
  #scratch = new Uint32Array(0);
  #sp = 0;
  #cur = 0;
  #inNumber = false;
  #expectValue = true;
  #arrayEmpty = true;
  // Strings.
  #strings = new StringTable(16, 16);
  /** write() calls so far, and the one whose chunk was last copied into the table. */
  #writeNo = 0;
  #rawWriteNo = -1;
  /** Table offset of this chunk's byte 0 (valid while #rawWriteNo === #writeNo). */
  #rawBase = 0;
  /** Table offset where the current string's content starts. */
  #strRawStart = 0;
  #strHasEscape = false;
  #strEscape = false;
  /** The current string outgrew the budget: its later chunks are not copied. */
  #strLong = false;
  // Result pieces.
  #meta: SnapshotMetaFields | null = null;
  #nodeCount = 0;
  #edgeCount = 0;
  #stringsSeen = false;
  #maxStrings = 1024;
  #pausedAt = -1;
  #pausedKey: NumKey = NumKey.None;

  constructor(options: ParserOptions) {
    this.#totalBytes = options.totalBytes;
    this.#maxStringChars = options.maxStringChars ?? DEFAULT_MAX_STRING_CHARS;
    this.#maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    this.#pauseAtNumbers = options.pauseAtNumbers ?? false;
  }

  get bytesSeen(): number {
    return this.#bytesSeen;
  }

  /** Absolute offset right after the first numeric array's "[", once paused; else -1. */
  get pausedAt(): number {
    return this.#state === S.Paused ? this.#pausedAt : -1;
  }

  get pausedKey(): NumKey {
    return this.#pausedKey;
  }

  /** The placer of "nodes" and "edges" (exists once the header was read). */
  get placer(): NumberPlacer | null {
    return this.#placer;
  }

  /**
   * Goes on after the numeric region was placed elsewhere: `offset` is the byte right
   * after its last "]"; the next write() must start there.
   */
  resumeAt(offset: number): void {
    if (this.#state !== S.Paused || !this.#placer) throw new Error('the parser is not paused');
    if (this.#placer.nodesFilled) this.#seenKeys.add('nodes');
    if (this.#placer.edgesFilled) this.#seenKeys.add('edges');
    this.#bytesSeen = offset;
    this.#state = S.TopKeyOrEnd;
  }

  write(chunk: Buffer): void {
    const n = chunk.length;
    if (this.#state === S.Paused) return;
    this.#writeNo++;
    this.#bytesSeen += n;
    if (this.#bytesSeen > this.#totalBytes) throw invalid('the input is longer than announced.');
    let i = 0;
    while (i < n) {
      switch (this.#state as S) {
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
        case S.Paused:
          return;
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
    const placer = this.#placer;
    if (!meta || !placer) throw invalid('the "snapshot" header is missing.');
    if (!placer.nodesFilled) throw invalid('the "nodes" array is missing.');
    if (!placer.edgesFilled) throw invalid('the "edges" array is missing.');
    if (!this.#stringsSeen) throw invalid('the "strings" array is missing.');
    this.#strings.trim();
    const raw: RawSnapshot = {
      meta,
      nodeCount: this.#nodeCount,
      edgeCount: this.#edgeCount,
      nodeType: placer.nodeType,
      nodeName: placer.nodeName,
      nodeId: placer.nodeId,
      nodeSelfSize: placer.nodeSelfSize,
      firstEdge: placer.firstEdge,
      edgeType: placer.edgeType,
      edgeName: placer.edgeName,
      edgeTo: placer.edgeTo,
      strings: this.#strings,
    };
    validate(raw, placer.maxNodeName, placer.maxEdgeName);
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
        case S.NumArrayOpen: {
          if (c !== 0x5b) throw invalid(`"${this.#key}" is not an array.`);
          const key = this.#key === 'nodes' ? NumKey.Nodes : NumKey.Edges;
          if (this.#pauseAtNumbers && this.#pausedKey === NumKey.None) {
            this.#pausedKey = key;
            this.#pausedAt = this.#offset(b, i) + 1;
            this.#state = S.Paused;
            return n;
          }
          this.#placer!.begin(key);
          if (this.#scratch.length === 0) this.#scratch = new Uint32Array(SCRATCH_NUMBERS);
          this.#state = S.NumArray;
          this.#sp = 0;
          this.#cur = 0;
          this.#inNumber = false;
          this.#expectValue = true;
          this.#arrayEmpty = true;
          return i + 1;
        }
        case S.StrArrayOpen:
          if (c !== 0x5b) throw invalid('"strings" is not an array.');
          this.#state = S.StrArray;
          this.#expectValue = true;
          break;
        case S.StrArray:
          if (c === 0x22) {
            if (!this.#expectValue) throw invalid('missing "," in "strings".');
            this.#ensureRaw(b, i);
            this.#beginString(i + 1);
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
    if (key === 'nodes' || key === 'edges') {
      if (!this.#meta) throw invalid(`"${key}" comes before the "snapshot" header.`);
      this.#state = S.NumArrayOpen;
      return i;
    }
    if (key === 'strings') {
      // The strings are usually the rest of the file: size the table once.
      const rest = this.#totalBytes - this.#bytesSeen;
      this.#strings = new StringTable(
        Math.min(Math.max(rest + (1 << 20), 16), 512 * 1024 * 1024),
        1 << 16,
      );
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
    this.#placer = new NumberPlacer(meta, this.#nodeCount, this.#edgeCount);
  }

  #flush(): void {
    if (this.#sp > 0) this.#placer!.place(this.#scratch, 0, this.#sp);
    this.#sp = 0;
  }

  // The hot loop of the sequential path: non-negative integers separated by commas,
  // buffered and placed field by field. Only a number cut by the chunk end keeps state
  // (cur, inNumber) for the next chunk.
  #numArray(b: Buffer, i: number): number {
    const scratch = this.#scratch;
    const n = b.length;
    let sp = this.#sp;
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
      scratch[sp++] = v;
      this.#arrayEmpty = false;
      if (sp === SCRATCH_NUMBERS) {
        this.#sp = sp;
        this.#flush();
        sp = 0;
      }
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
        scratch[sp++] = v;
        this.#arrayEmpty = false;
        if (sp === SCRATCH_NUMBERS) {
          this.#sp = sp;
          this.#flush();
          sp = 0;
        }
        expectValue = false;
        // c is the non-digit after the number: handled below.
      }
      if (c === 0x2c) {
        if (expectValue)
          throw invalid(`an empty value in "${this.#key}" (byte ${this.#offset(b, i)}).`);
        expectValue = true;
      } else if (c === 0x5d) {
        if (expectValue && !this.#arrayEmpty) throw invalid(`a trailing "," in "${this.#key}".`);
        this.#sp = sp;
        this.#flush();
        this.#placer!.finish();
        this.#state = S.TopKeyOrEnd;
        return i + 1;
      } else if (!isWs(c)) {
        throw invalid(
          `"${this.#key}" holds something that is not a non-negative integer (byte ${this.#offset(b, i)}).`,
        );
      }
      i++;
    }
    this.#sp = sp;
    this.#expectValue = expectValue;
    return n;
  }

  /** Copies this chunk, from `from` on, into the string table (once per chunk). */
  #ensureRaw(b: Buffer, from: number): void {
    if (this.#rawWriteNo === this.#writeNo) return;
    this.#rawWriteNo = this.#writeNo;
    this.#rawBase = this.#strings.rawLength - from;
    if (!this.#strings.appendRaw(b, from, b.length)) throw invalid('"strings" is too large.');
  }

  /** A string's content starts at chunk index i. */
  #beginString(i: number): void {
    this.#strRawStart = this.#rawBase + i;
    this.#strHasEscape = false;
    this.#strEscape = false;
    this.#strLong = false;
  }

  // Strings are found, not copied one by one: the chunk is in the table already, so a
  // string is its start and end there. Only escaped or over-long ones are decoded.
  #strInString(b: Buffer, i: number): number {
    const n = b.length;
    if (!this.#strLong) this.#ensureRaw(b, i);
    let escape = this.#strEscape;
    const strings = this.#strings;
    const max = this.#maxStringChars;
    for (; i < n; i++) {
      const c = b[i]!;
      if (escape) {
        escape = false;
        continue;
      }
      if (c === 0x5c) {
        escape = true;
        this.#strHasEscape = true;
      } else if (c === 0x22) {
        if (strings.length >= this.#maxStrings) {
          throw invalid('it holds more strings than its nodes and edges can name.');
        }
        const end = this.#rawBase + i;
        if (!this.#strLong && !this.#strHasEscape && end - this.#strRawStart <= max) {
          // The common case: whole and unescaped; its bytes stay where they are.
          strings.addRaw(this.#strRawStart, end);
        } else {
          this.#finishSlowString(end);
        }
        // Go straight on to the next string when `,"` follows in this chunk.
        let k = i + 1;
        while (k < n && isWs(b[k]!)) k++;
        if (k < n && b[k] === 0x2c) {
          k++;
          while (k < n && isWs(b[k]!)) k++;
          if (k < n && b[k] === 0x22) {
            this.#ensureRaw(b, k);
            this.#beginString(k + 1);
            i = k;
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
    // A string longer than we keep: keep its first bytes, stop copying the rest.
    const budget = max * 6;
    if (!this.#strLong && strings.rawLength - this.#strRawStart > budget) {
      strings.truncateRaw(this.#strRawStart + budget);
      this.#strLong = true;
    }
    return n;
  }

  /** An escaped or long string: decoded from its first bytes, cut to the cap, kept decoded. */
  #finishSlowString(end: number): void {
    const strings = this.#strings;
    const max = this.#maxStringChars;
    const budget = max * 6;
    const start = this.#strRawStart;
    const long = this.#strLong || end - start > budget;
    let text = strings.rawText(start, long ? start + budget : end);
    if (this.#strHasEscape) text = decodeEscaped(text, long);
    let cut = long;
    if (text.length > max) {
      text = text.slice(0, max);
      cut = true;
    }
    if (cut && !text.endsWith('…')) text += '…';
    // Its raw bytes (and this chunk's after it) go; the rest of the chunk is copied again.
    strings.truncateRaw(start);
    this.#rawWriteNo = -1;
    strings.push(text);
  }

  // Skips one JSON value of an unknown or unused key without storing it.
  #skip(b: Buffer, i: number): number {
    const n = b.length;
    for (; i < n; i++) {
      let c = b[i]!;
      if (!this.#inStr && this.#depth > 0) {
        // Inside an array or object: numbers, commas and spaces (most of "locations",
        // "samples", "trace_tree") need no look; only quotes and brackets do.
        while (c !== 0x22 && c !== 0x5b && c !== 0x5d && c !== 0x7b && c !== 0x7d) {
          if (++i === n) return n;
          c = b[i]!;
        }
      }
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
  if (nodeTypes.length > MAX_TYPES || edgeTypes.length > MAX_TYPES) {
    throw invalid(`meta lists more than ${MAX_TYPES} node or edge types.`);
  }
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

/** Edge types whose name_or_index is an index, not a string. */
export function indexEdgeTypes(edgeTypes: readonly string[]): Uint8Array {
  const t = new Uint8Array(Math.max(1, edgeTypes.length));
  edgeTypes.forEach((name, k) => {
    if (name === 'element' || name === 'hidden') t[k] = 1;
  });
  return t;
}

/** Cross-checks, once the strings are known, that make every later array access safe. */
function validate(raw: RawSnapshot, maxNodeName: number, maxEdgeName: number): void {
  const stringCount = raw.strings.length;
  if (raw.firstEdge[raw.nodeCount] !== raw.edgeCount) {
    throw invalid(
      `the nodes own ${raw.firstEdge[raw.nodeCount]!} edges but the header announces ${raw.edgeCount}.`,
    );
  }
  if (maxNodeName >= stringCount) {
    const n = raw.nodeName.findIndex((s) => s >= stringCount);
    throw invalid(`node ${n} names string ${raw.nodeName[n]!}, out of range.`);
  }
  if (maxEdgeName < stringCount) return;
  // Which edge, for the message.
  const indexTypes = indexEdgeTypes(raw.meta.edgeTypes);
  const { edgeType, edgeName } = raw;
  for (let e = 0; e < raw.edgeCount; e++) {
    if (edgeName[e]! >= stringCount && indexTypes[edgeType[e]!] === 0) {
      throw invalid(`edge ${e} names string ${edgeName[e]!}, out of range.`);
    }
  }
}
