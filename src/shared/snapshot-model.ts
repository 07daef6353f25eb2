// Plain result types of heap snapshot analysis (src/monitor/snapshots/analysis). They
// cross process boundaries (analysis child -> core -> IPC/WebSocket -> renderer), so
// they hold only JSON data. Every string in here comes from the target: render as text.

/** Where the analysis of one file stands; pushed while a big file is processed. */
export interface AnalysisProgress {
  phase: 'parse' | 'index' | 'dominators' | 'retained' | 'summary' | 'diff';
  /** 0..1 within the phase when known, else undefined. */
  fraction?: number;
  /** Bytes of the file read so far (parse phase). */
  bytesRead?: number;
  totalBytes?: number;
}

export interface SnapshotMeta {
  /** Absolute path of the analysed file. */
  path: string;
  fileBytes: number;
  /** Pid recorded at capture when known (from the library's sidecar, or passed in). */
  pid?: number;
  /** Title recorded at capture when known (e.g. the target title). */
  title?: string;
  /**
   * Smallest and largest heap object id (V8 gives heap objects odd ids, stable across
   * snapshots of one process; native and synthetic nodes' even ids are left out).
   */
  minNodeId: number;
  maxNodeId: number;
}

/** One row of the summary: all nodes whose class name (DevTools grouping) is `name`. */
export interface ConstructorStat {
  name: string;
  count: number;
  shallowBytes: number;
  /**
   * Retained size of the class as DevTools shows it: the sum of the retained sizes of
   * the instances not dominated by another instance of the same class.
   */
  retainedBytes: number;
}

export interface SnapshotSummary {
  nodeCount: number;
  edgeCount: number;
  totalShallowBytes: number;
  /** Shallow bytes of the nodes reachable from the root (what the heap really holds). */
  reachableShallowBytes: number;
  /** Sorted by retainedBytes, descending; capped by the `top` option. */
  constructors: ConstructorStat[];
  /** How many classes there were before the cap. */
  constructorCount: number;
  meta: SnapshotMeta;
  /** Wall time of the analysis in the child process. */
  analysisMs: number;
}

/** One hop of a retainer path: the node and the edge that leads to the next hop. */
export interface RetainerStep {
  nodeId: number;
  /** Class name (DevTools grouping), e.g. "Map", "(closure)". */
  className: string;
  /** The node's own name (for closures the function name, for strings the text, capped). */
  nodeName: string;
  nodeType: string;
  /** Edge from this node to the next step; absent on the last step. */
  edgeName?: string;
  edgeType?: string;
}

/** Shortest path from the GC roots to one instance of a class (weak edges skipped). */
export interface RetainerPath {
  className: string;
  /** The instance the path ends at. */
  targetNodeId: number;
  targetRetainedBytes: number;
  /** From the root ("(GC roots)" side) to the instance. */
  steps: RetainerStep[];
  /** One line like "(GC roots) -> (Global handles) -> Map.table -> LeakyWidget". */
  text: string;
  /** Instances of the class in the snapshot. */
  instanceCount: number;
}

export interface ConstructorDelta {
  name: string;
  addedCount: number;
  removedCount: number;
  /** countAfter - countBefore. */
  countDelta: number;
  /** shallowBytesAfter - shallowBytesBefore. */
  sizeDeltaBytes: number;
  countBefore: number;
  countAfter: number;
}

export interface NewObjectsOfClass {
  name: string;
  /** Total new objects of the class. */
  count: number;
  /** Node ids of new objects, capped (see `truncated`). */
  nodeIds: number[];
  truncated: boolean;
}

export interface SnapshotDiff {
  before: SnapshotMeta;
  after: SnapshotMeta;
  /** Sorted by |sizeDeltaBytes| descending, then name; capped by `top`. */
  perConstructor: ConstructorDelta[];
  /** Classes with new objects, most new objects first; capped by `top`. */
  newObjects: NewObjectsOfClass[];
  totals: { addedCount: number; removedCount: number; sizeDeltaBytes: number };
  /** Why the two snapshots may not belong to the same process (F22), when not refused. */
  warnings: string[];
  analysisMs: number;
}

/** Options accepted by analyze / diff (CLI, contract). */
export interface AnalyzeOptions {
  /** Rows of the summary; default 50. */
  top?: number;
  /** Also compute the retainer path of this class. */
  className?: string;
  /** Pid recorded at capture, copied into meta. */
  pid?: number;
  title?: string;
}

export interface DiffOptions {
  top?: number;
  /** Node ids listed per class at most; default 100. */
  maxIdsPerClass?: number;
  /** Pids recorded at capture: when both known and different, the diff is refused (F22). */
  beforePid?: number;
  afterPid?: number;
  /** Diff even when the snapshots look like different processes (warns instead). */
  force?: boolean;
}

export interface SnapshotAnalysis {
  summary: SnapshotSummary;
  retainerPath?: RetainerPath | null;
}

/** A snapshot to analyse: an entry of the snapshot library, or a file on the core's machine. */
export type SnapshotRef =
  { snapshotId: string; path?: never } | { path: string; snapshotId?: never };

/** Pushed as the `analysisProgress` event while an analysis runs in its child process. */
export interface AnalysisProgressEvent {
  /** The snapshot id or path being analysed (for a diff: the "after" one). */
  subject: string;
  kind: 'analyze' | 'diff' | 'explore';
  progress: AnalysisProgress;
}

// ---- heap explorer: a snapshot kept open in its analysis process, queried page by page ----

/** Rows per answer at most (every explorer answer is paged). */
export const EXPLORER_MAX_PAGE = 200;
/** Open snapshots per dashboard at most; opening another closes the least recently used. */
export const EXPLORER_MAX_OPEN = 2;

/** One object of the heap as the explorer shows it. Strings are hostile: text only. */
export interface ExplorerNode {
  /** V8's node id: "@id" in Chrome DevTools. */
  nodeId: number;
  /** Class name (DevTools grouping), capped at 200 characters. */
  className: string;
  /** The node's own name (for closures the function name), capped at 200 characters. */
  name: string;
  /** V8 node type: object, closure, string, array, hidden, synthetic, ... */
  type: string;
  /** Shallow size: the object's own bytes. */
  selfBytes: number;
  /** Retained size: what would be freed if this object were gone (0 when unreachable). */
  retainedBytes: number;
  /** Reachable from the GC roots through non-weak edges. */
  reachable: boolean;
  /** Edges on the shortest path from the root (weak edges skipped); null when unreachable. */
  distance: number | null;
  /** Children in the dominator tree (objects this one alone keeps alive). */
  childCount: number;
  /** Edges into this object, weak ones included. */
  retainerCount: number;
  /** For strings and numbers: a preview of the value, at most 200 characters. */
  value?: string;
}

/** An edge into an object and the object it comes from (a row of the retainers view). */
export interface ExplorerRetainer {
  /** Property name, or the index for element / hidden edges. */
  edgeName: string;
  /** V8 edge type: property, element, context, internal, hidden, shortcut, weak. */
  edgeType: string;
  /** Weak edges do not keep the object alive. */
  weak: boolean;
  node: ExplorerNode;
}

export interface ExplorerPage<T> {
  offset: number;
  /** All rows there are (the page holds at most EXPLORER_MAX_PAGE of them). */
  total: number;
  rows: T[];
}

export interface ExplorerInstances extends ExplorerPage<ExplorerNode> {
  className: string;
  /** When asked for objects newer than a node id (a diff's new objects), that id. */
  newerThanNodeId?: number;
}

export interface ExplorerNodeDetails extends ExplorerNode {
  /** The immediate dominator (what must go for this object to be freed); null for the root. */
  dominator: ExplorerNode | null;
}

/** The shortest path from the root to an object (the one a retainer path names). */
export interface ExplorerPath {
  /**
   * Node ids from the root to the object; only the last EXPLORER_MAX_PAGE when the path
   * is longer (then the root is not the first).
   */
  nodeIds: number[];
  steps: RetainerStep[];
  text: string;
  /** Edges on the whole path (0 when the object is unreachable, or the root). */
  length: number;
}

export interface ExplorerSessionInfo {
  sessionId: string;
  /** The library id, when opened from the library. */
  snapshotId?: string;
  path: string;
  fileBytes: number;
  /** The analysis process that holds the snapshot. */
  pid: number;
  nodeCount: number;
  edgeCount: number;
  reachableCount: number;
  /** The root's retained size: the whole reachable heap (share of the heap = x / this). */
  totalBytes: number;
  root: ExplorerNode;
  /** The summary by class (top 50), as analyzeSnapshot gives it. */
  summary: SnapshotSummary;
  /** Parse, graph and index, in the analysis process. */
  openMs: number;
}
