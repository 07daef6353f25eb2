// A small heap snapshot reader for the leak series when the full analysis module is
// not available: instance counts per class (DevTools grouping) and the shortest
// non-weak path from the root to one instance. Field positions come from
// snapshot.meta (F20); anything malformed is a clear error (F19).
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { RetainerPath, RetainerStep } from '../../shared/snapshot-model';

interface Parsed {
  nodes: number[];
  edges: number[];
  strings: string[];
  nodeFields: string[];
  edgeFields: string[];
  nodeTypes: string[];
  edgeTypes: string[];
}

function bad(why: string): MonitorError {
  return new MonitorError(ErrorCodes.BAD_ARGUMENT, `Not a readable heap snapshot: ${why}.`);
}

function parse(raw: unknown): Parsed {
  const r = raw as Record<string, unknown> | null;
  const snap = r?.snapshot as Record<string, unknown> | undefined;
  const meta = snap?.meta as Record<string, unknown> | undefined;
  if (!r || !meta) throw bad('no snapshot.meta');
  const nodeFields = meta.node_fields;
  const edgeFields = meta.edge_fields;
  const nodeTypes = (meta.node_types as unknown[] | undefined)?.[0];
  const edgeTypes = (meta.edge_types as unknown[] | undefined)?.[0];
  if (
    !Array.isArray(nodeFields) ||
    !Array.isArray(edgeFields) ||
    !Array.isArray(nodeTypes) ||
    !Array.isArray(edgeTypes) ||
    !Array.isArray(r.nodes) ||
    !Array.isArray(r.edges) ||
    !Array.isArray(r.strings)
  ) {
    throw bad('meta, nodes, edges or strings missing');
  }
  if (r.nodes.length % nodeFields.length !== 0 || r.edges.length % edgeFields.length !== 0) {
    throw bad('array lengths do not match the meta');
  }
  return {
    nodes: r.nodes as number[],
    edges: r.edges as number[],
    strings: r.strings as string[],
    nodeFields: nodeFields as string[],
    edgeFields: edgeFields as string[],
    nodeTypes: nodeTypes as string[],
    edgeTypes: edgeTypes as string[],
  };
}

function className(type: string, name: string): string {
  switch (type) {
    case 'object':
    case 'native':
      return name;
    case 'closure':
      return '(closure)';
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'code':
      return '(compiled code)';
    case 'hidden':
    case 'object shape':
      return '(system)';
    case 'synthetic':
      return name.startsWith('(') ? name : `(${name || 'synthetic'})`;
    default:
      return `(${type})`;
  }
}

function view(p: Parsed) {
  const nf = p.nodeFields.length;
  const ef = p.edgeFields.length;
  const fType = p.nodeFields.indexOf('type');
  const fName = p.nodeFields.indexOf('name');
  const fSize = p.nodeFields.indexOf('self_size');
  const fEdges = p.nodeFields.indexOf('edge_count');
  const fId = p.nodeFields.indexOf('id');
  const eType = p.edgeFields.indexOf('type');
  const eName = p.edgeFields.indexOf('name_or_index');
  const eTo = p.edgeFields.indexOf('to_node');
  if ([fType, fName, fSize, fEdges, fId, eType, eName, eTo].includes(-1)) {
    throw bad('required node or edge fields missing');
  }
  const nodeCount = p.nodes.length / nf;
  const str = (i: number): string => {
    const s = p.strings[i];
    if (typeof s !== 'string') throw bad('string index out of range');
    return s;
  };
  const typeOf = (n: number): string => p.nodeTypes[p.nodes[n * nf + fType]!] ?? 'unknown';
  const nameOf = (n: number): string => str(p.nodes[n * nf + fName]!);
  const classOf = (n: number): string => className(typeOf(n), nameOf(n));
  return { nf, ef, fSize, fEdges, fId, eType, eName, eTo, nodeCount, str, typeOf, nameOf, classOf };
}

export function classCountsFromSnapshot(
  raw: unknown,
): Map<string, { count: number; bytes: number }> {
  const p = parse(raw);
  const v = view(p);
  const out = new Map<string, { count: number; bytes: number }>();
  for (let n = 0; n < v.nodeCount; n++) {
    const name = v.classOf(n);
    const e = out.get(name);
    const size = p.nodes[n * v.nf + v.fSize]!;
    if (e) {
      e.count++;
      e.bytes += size;
    } else out.set(name, { count: 1, bytes: size });
  }
  return out;
}

export function retainerPathFromSnapshot(raw: unknown, target: string): RetainerPath | null {
  const p = parse(raw);
  const v = view(p);
  const firstEdge = new Int32Array(v.nodeCount + 1);
  for (let n = 0; n < v.nodeCount; n++) {
    firstEdge[n + 1] = firstEdge[n]! + p.nodes[n * v.nf + v.fEdges]! * v.ef;
  }
  if (firstEdge[v.nodeCount] !== p.edges.length) throw bad('edge counts do not add up');
  for (let e = 0; e < p.edges.length; e += v.ef) {
    const to = p.edges[e + v.eTo]! / v.nf;
    if (!Number.isInteger(to) || to < 0 || to >= v.nodeCount) throw bad('edge target out of range');
  }
  const parent = new Int32Array(v.nodeCount).fill(-1);
  const parentEdge = new Int32Array(v.nodeCount).fill(-1);
  let instances = 0;
  for (let n = 0; n < v.nodeCount; n++) if (v.classOf(n) === target) instances++;
  if (instances === 0) return null;
  const queue = new Int32Array(v.nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  parent[0] = 0;
  let found = -1;
  while (head < tail && found < 0) {
    const n = queue[head++]!;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += v.ef) {
      const type = p.edgeTypes[p.edges[e + v.eType]!];
      if (type === 'weak' || type === 'shortcut') continue;
      const to = p.edges[e + v.eTo]! / v.nf;
      if (!Number.isInteger(to) || to < 0 || to >= v.nodeCount)
        throw bad('edge target out of range');
      if (parent[to] !== -1) continue;
      parent[to] = n;
      parentEdge[to] = e;
      if (v.classOf(to) === target) {
        found = to;
        break;
      }
      queue[tail++] = to;
    }
  }
  if (found < 0) return null;
  const chain: number[] = [];
  for (let n = found; n !== 0; n = parent[n]!) chain.push(n);
  chain.push(0);
  chain.reverse();
  const steps: RetainerStep[] = chain.map((n, i) => {
    const step: RetainerStep = {
      nodeId: p.nodes[n * v.nf + v.fId]!,
      className: v.classOf(n),
      nodeName: v.nameOf(n).slice(0, 100),
      nodeType: v.typeOf(n),
    };
    const next = chain[i + 1];
    if (next !== undefined) {
      const e = parentEdge[next]!;
      const et = p.edgeTypes[p.edges[e + v.eType]!] ?? 'unknown';
      const nameOrIndex = p.edges[e + v.eName]!;
      step.edgeType = et;
      step.edgeName =
        et === 'element' || et === 'hidden'
          ? String(nameOrIndex)
          : v.str(nameOrIndex).slice(0, 100);
    }
    return step;
  });
  const text = steps
    .map((s) => (s.edgeName !== undefined ? `${s.className}.${s.edgeName}` : s.className))
    .join(' -> ');
  return {
    className: target,
    targetNodeId: p.nodes[found * v.nf + v.fId]!,
    targetRetainedBytes: p.nodes[found * v.nf + v.fSize]!,
    steps,
    text,
    instanceCount: instances,
  };
}
