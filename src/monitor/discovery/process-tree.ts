// Groups local Node processes into trees by parent pid (/proc/PID/stat), pure so that
// every rule is unit-tested on plain data:
// - a Node process and its Node descendants are one group (a cluster primary and its
//   workers, a supervisor such as pm2 or nodemon and its children), rooted at the
//   topmost Node ancestor;
// - a command wrapper between two Node processes (`sh -c …`, env, nohup, timeout, as
//   npm run makes) is looked through: npm → sh -c → node is one group under npm;
// - a non-Node shell or launcher with two or more Node children groups them
//   (`sh -c 'node a & node b'`); an interactive shell is never looked through, so the
//   services started from terminals of one Node-based IDE stay apart;
// - the dashboard's own process and its ancestors are never a group root, so the
//   processes a dashboard (or a test runner) started are groups of their own (init is
//   normally such an ancestor; a container's Node or shell entry point may group);
// - kernel threads never group.
import path from 'node:path';

export interface TreeProc {
  pid: number;
  ppid: number;
  isNode: boolean;
  argv: readonly string[];
  /** readlink of /proc/PID/exe, when readable. */
  exe: string | null;
  startTimeMs: number;
}

export interface TreeGroup {
  /** Stable while the root lives: `g<rootPid>-<rootStartTimeMs>`. */
  id: string;
  rootPid: number;
  rootIsNode: boolean;
  /** The group's Node processes, the root first (when it is Node), then by pid. */
  memberPids: number[];
}

export interface ProcessTree {
  /** Group id of every Node process that is grouped (not the dashboard's own). */
  groupOf: Map<number, string>;
  groups: Map<string, TreeGroup>;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'busybox']);
/** Programs that only start another program (a wrapper when between two Node processes). */
const LAUNCHERS = new Set([
  'env',
  'nohup',
  'timeout',
  'setsid',
  'nice',
  'ionice',
  'stdbuf',
  'time',
  'make',
  'tini',
  'dumb-init',
  'docker-init',
  'catatonit',
]);
const MAX_DEPTH = 64;

function baseName(p: TreeProc): string {
  return path.posix.basename(p.exe ?? p.argv[0] ?? '').replace(/^-/, '');
}

function isShell(p: TreeProc): boolean {
  return SHELLS.has(baseName(p));
}

function isLauncher(p: TreeProc): boolean {
  return LAUNCHERS.has(baseName(p));
}

/** `sh -c '…'`: a shell running one command line, not an interactive one. */
function isCommandShell(p: TreeProc): boolean {
  return isShell(p) && p.argv.slice(1).some((a) => /^-[a-z]*c[a-z]*$/.test(a));
}

export function groupIdFor(rootPid: number, rootStartTimeMs: number): string {
  return `g${rootPid}-${Math.round(rootStartTimeMs)}`;
}

/** The pid and every ancestor of it (the dashboard's own chain). */
export function ancestorsOf(pid: number, byPid: ReadonlyMap<number, TreeProc>): Set<number> {
  const out = new Set<number>();
  let cur = byPid.get(pid);
  out.add(pid);
  for (let i = 0; cur && i < MAX_DEPTH; i++) {
    if (cur.ppid <= 0 || out.has(cur.ppid)) break;
    out.add(cur.ppid);
    cur = byPid.get(cur.ppid);
  }
  return out;
}

/**
 * Builds the groups. `own` are pids that are never grouped nor a root (the dashboard's
 * process and its ancestors; ancestorsOf(process.pid)); `hidden` Node processes (the
 * dashboard's helpers) are left out of every group.
 */
export function buildProcessTree(
  procs: readonly TreeProc[],
  own: ReadonlySet<number>,
  hidden: ReadonlySet<number> = new Set(),
): ProcessTree {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const blocked = (p: TreeProc | undefined): p is undefined =>
    !p || p.pid <= 0 || p.pid === 2 || p.ppid === 2 || own.has(p.pid);
  const nodeRootOf = new Map<number, TreeProc>();
  const nodes = procs.filter((p) => p.isNode && !own.has(p.pid) && !hidden.has(p.pid));
  for (const p of nodes) {
    let root = p;
    let cur = p;
    for (let i = 0; i < MAX_DEPTH; i++) {
      const parent = byPid.get(cur.ppid);
      if (blocked(parent)) break;
      if (parent.isNode) {
        root = cur = parent;
        continue;
      }
      if (isCommandShell(parent) || isLauncher(parent)) {
        const grand = byPid.get(parent.ppid);
        if (!blocked(grand) && grand.isNode) {
          root = cur = grand;
          continue;
        }
      }
      break;
    }
    nodeRootOf.set(p.pid, root);
  }
  // A non-Node shell or launcher with two or more Node roots below it groups them.
  const rootsByParent = new Map<number, Set<number>>();
  for (const root of new Set(nodeRootOf.values())) {
    const parent = byPid.get(root.ppid);
    if (blocked(parent) || parent.isNode || !(isShell(parent) || isLauncher(parent))) continue;
    let set = rootsByParent.get(parent.pid);
    if (!set) rootsByParent.set(parent.pid, (set = new Set()));
    set.add(root.pid);
  }
  const groupOf = new Map<number, string>();
  const groups = new Map<string, TreeGroup>();
  for (const p of nodes) {
    const nodeRoot = nodeRootOf.get(p.pid)!;
    const parent = byPid.get(nodeRoot.ppid);
    const shared = parent ? rootsByParent.get(parent.pid) : undefined;
    const root = parent && shared && shared.size >= 2 ? parent : nodeRoot;
    const id = groupIdFor(root.pid, root.startTimeMs);
    let g = groups.get(id);
    if (!g) {
      g = { id, rootPid: root.pid, rootIsNode: root.isNode, memberPids: [] };
      groups.set(id, g);
    }
    g.memberPids.push(p.pid);
    groupOf.set(p.pid, id);
  }
  for (const g of groups.values()) {
    g.memberPids.sort((a, b) => (a === g.rootPid ? -1 : b === g.rootPid ? 1 : a - b));
  }
  return { groupOf, groups };
}
