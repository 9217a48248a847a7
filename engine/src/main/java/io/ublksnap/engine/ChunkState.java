package io.ublksnap.engine;

/**
 * The state of one chunk in one snapshot. The transitions, all made by {@link ExceptionTables}
 * under the origin's lock, follow the kernel's fix for reads racing origin writes
 * (dm-snapshot, "Don't sleep holding the snapshot lock", states A to D):
 *
 * <pre>
 *   NONE --(origin write / snapshot write needs a copy: exception prepared)--> PENDING
 *   PENDING --(copy committed, no snapshot read of the chunk is reading the origin)--> COMPLETED
 *   PENDING --(copy committed, such reads in flight)--> DRAINING
 *   DRAINING --(the last of those reads finished)--> COMPLETED
 *   PENDING --(copy or commit failed: snapshot invalidated)--> NONE
 *   COMPLETED --(merged into the origin)--> NONE
 * </pre>
 *
 * What each state allows:
 * <ul>
 * <li>NONE: snapshot reads go to the origin (tracked); an origin write must first copy the chunk.</li>
 * <li>PENDING: snapshot reads still go to the origin (tracked); origin writes wait; snapshot
 *     writes wait and then go to the COW.</li>
 * <li>DRAINING: snapshot reads and writes go to the COW; origin writes still wait, because reads
 *     sent to the origin before the copy finished must not see the new data.</li>
 * <li>COMPLETED: snapshot I/O goes to the COW; origin writes go ahead.</li>
 * </ul>
 */
public enum ChunkState {
    /** A: no exception. */
    NONE,
    /** B: a pending exception only: the chunk is being copied to the COW. */
    PENDING,
    /** C: completed and pending exceptions both: copied, snapshot reads of the origin draining. */
    DRAINING,
    /** D: a completed exception only. */
    COMPLETED
}
