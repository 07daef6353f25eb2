// Builds tiny, valid .heapsnapshot files for tests: add nodes and edges, get the JSON
// V8 would write (meta, node_count, edge_count, nodes, edges, strings). Field order and
// extra fields can be changed to test format drift (F20). Test-only.
const DEFAULT_NODE_FIELDS = [
  'type',
  'name',
  'id',
  'self_size',
  'edge_count',
  'trace_node_id',
  'detachedness',
];
const DEFAULT_EDGE_FIELDS = ['type', 'name_or_index', 'to_node'];
export const NODE_TYPES = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
  'concatenated string',
  'sliced string',
  'symbol',
  'bigint',
  'object shape',
];
export const EDGE_TYPES = [
  'context',
  'element',
  'property',
  'internal',
  'hidden',
  'shortcut',
  'weak',
];

export interface BuilderOptions {
  nodeFields?: string[];
  edgeFields?: string[];
  /** Value written for fields the analysis does not know. */
  extraFieldValue?: number;
}

export interface NodeSpec {
  type?: string;
  name?: string;
  /** Defaults to the next odd id (like V8's heap object ids). */
  id?: number;
  selfSize?: number;
}

export interface EdgeSpec {
  type?: string;
  /** Property name, or the index for element / hidden edges. */
  name?: string | number;
}

interface BNode {
  type: string;
  name: string;
  id: number;
  selfSize: number;
  edges: { type: string; name: string | number; to: number }[];
}

export class SnapshotBuilder {
  readonly #nodeFields: string[];
  readonly #edgeFields: string[];
  readonly #extra: number;
  readonly #nodes: BNode[] = [];
  #nextId = 1;

  constructor(options: BuilderOptions = {}) {
    this.#nodeFields = options.nodeFields ?? DEFAULT_NODE_FIELDS;
    this.#edgeFields = options.edgeFields ?? DEFAULT_EDGE_FIELDS;
    this.#extra = options.extraFieldValue ?? 0;
    // Node 0 is the root, as in V8.
    this.node({ type: 'synthetic', name: '', selfSize: 0 });
  }

  get root(): number {
    return 0;
  }

  /** Adds a node; returns its ordinal (use it in edge()). */
  node(spec: NodeSpec = {}): number {
    const id = spec.id ?? this.#nextId;
    const next = Math.max(this.#nextId, id + 1);
    this.#nextId = next % 2 === 1 ? next : next + 1;
    this.#nodes.push({
      type: spec.type ?? 'object',
      name: spec.name ?? 'Object',
      id,
      selfSize: spec.selfSize ?? 16,
      edges: [],
    });
    return this.#nodes.length - 1;
  }

  /** A GC root shortcut from the root node: what makes `to` reachable. */
  rootEdge(to: number, name = 'root'): this {
    return this.edge(0, to, { type: 'shortcut', name });
  }

  edge(from: number, to: number, spec: EdgeSpec = {}): this {
    const n = this.#nodes[from];
    if (!n || !this.#nodes[to]) throw new Error(`no node ${from} or ${to}`);
    n.edges.push({ type: spec.type ?? 'property', name: spec.name ?? 'p', to });
    return this;
  }

  idOf(ordinal: number): number {
    return this.#nodes[ordinal]!.id;
  }

  toObject(): Record<string, unknown> {
    const strings: string[] = [];
    const index = new Map<string, number>();
    const str = (s: string): number => {
      let i = index.get(s);
      if (i === undefined) {
        i = strings.length;
        strings.push(s);
        index.set(s, i);
      }
      return i;
    };
    str('<dummy>');
    const nf = this.#nodeFields;
    const ef = this.#edgeFields;
    const nodes: number[] = [];
    const edges: number[] = [];
    let edgeCount = 0;
    for (const n of this.#nodes) {
      for (const f of nf) {
        if (f === 'type') nodes.push(NODE_TYPES.indexOf(n.type));
        else if (f === 'name') nodes.push(str(n.name));
        else if (f === 'id') nodes.push(n.id);
        else if (f === 'self_size') nodes.push(n.selfSize);
        else if (f === 'edge_count') nodes.push(n.edges.length);
        else nodes.push(this.#extra);
      }
      for (const e of n.edges) {
        edgeCount++;
        for (const f of ef) {
          if (f === 'type') edges.push(EDGE_TYPES.indexOf(e.type));
          else if (f === 'name_or_index') {
            edges.push(typeof e.name === 'number' ? e.name : str(e.name));
          } else if (f === 'to_node') edges.push(e.to * nf.length);
          else edges.push(this.#extra);
        }
      }
    }
    return {
      snapshot: {
        meta: {
          node_fields: nf,
          // Aligned with the fields: the type list sits at the position of "type".
          node_types: nf.map((f) =>
            f === 'type' ? NODE_TYPES : f === 'name' ? 'string' : 'number',
          ),
          edge_fields: ef,
          edge_types: ef.map((f) =>
            f === 'type' ? EDGE_TYPES : f === 'name_or_index' ? 'string_or_number' : 'node',
          ),
          trace_function_info_fields: [
            'function_id',
            'name',
            'script_name',
            'script_id',
            'line',
            'column',
          ],
          trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
          sample_fields: ['timestamp_us', 'last_assigned_id'],
          location_fields: ['object_index', 'script_id', 'line', 'column'],
        },
        node_count: this.#nodes.length,
        edge_count: edgeCount,
        trace_function_count: 0,
      },
      nodes,
      edges,
      trace_function_infos: [],
      trace_tree: [],
      samples: [],
      locations: [],
      strings,
    };
  }

  toJSON(): string {
    return JSON.stringify(this.toObject());
  }
}
