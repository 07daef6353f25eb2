// The heap tools under a target's charts: force GC, heap snapshot, top allocations,
// and the snapshot library.
import type { TargetInfo } from '../../../shared/model';
import { AllocationsCard } from '../allocations/allocations-card';
import { GcCard } from '../gc/gc-card';
import './heap-tools.css';
import { SnapshotCard } from './snapshot-card';
import { SnapshotLibraryCard } from './snapshot-library';

export function HeapToolsPanel({ target }: { target: TargetInfo }) {
  return (
    <div className="heap-tools" data-testid="heap-tools">
      <GcCard target={target} />
      <SnapshotCard target={target} />
      <AllocationsCard target={target} />
      <SnapshotLibraryCard />
    </div>
  );
}
