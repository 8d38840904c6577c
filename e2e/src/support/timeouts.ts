// Bounds of the real-node and Compose tests, sized for the two-core machine under load: every wait in
// this workspace is bounded by one of these, so a stuck cluster fails the run instead of hanging CI.
export const MINUTE = 60_000;
/** Cold start of the node, images loaded and the whole chart Ready. */
export const CLUSTER_READY_MS = 10 * MINUTE;
/** A rollout or a replacement pod reaching Ready. */
export const ROLLOUT_MS = 5 * MINUTE;
