// Who is where: users to rooms, users to client processes and chat pods, and each process's share of
// the send rate. Pure (numbers in, plan out), so a run is the same every time for the same options.

export interface PlannedRoom {
  index: number;
  /** Same options, same name: a later run finds the room instead of making another. */
  name: string;
  /** User indexes; the first creates the room. */
  members: number[];
}

export interface PlannedUser {
  index: number;
  username: string;
  worker: number;
  chatUrl: string;
  rooms: number[];
}

export interface LoadPlan {
  users: PlannedUser[];
  rooms: PlannedRoom[];
  /** Per worker: the messages per second it sends, proportional to the memberships it holds. */
  workerRates: number[];
}

export interface PlanInput {
  users: number;
  rooms: number;
  roomSize: number;
  rate: number;
  workers: number;
  chatUrls: string[];
  prefix: string;
}

export function planLoad(o: PlanInput): LoadPlan {
  const users: PlannedUser[] = Array.from({ length: o.users }, (_, i) => ({
    index: i,
    username: `${o.prefix}-${i}`,
    worker: i % o.workers,
    // Alternate pods within each worker too, so every process holds sockets on every pod and a
    // delivery usually crosses pods (through the Redis adapter), as in a cluster.
    chatUrl: o.chatUrls[Math.floor(i / o.workers) % o.chatUrls.length] as string,
    rooms: [],
  }));
  const rooms: PlannedRoom[] = [];
  for (let r = 0; r < o.rooms; r++) {
    // Consecutive users, wrapping around: distinct within a room because roomSize <= users.
    const members = Array.from({ length: o.roomSize }, (_, j) => (r * o.roomSize + j) % o.users);
    rooms.push({ index: r, name: `${o.prefix} ${r + 1}/${o.rooms} of ${o.roomSize} (${o.users} users)`, members });
    for (const m of members) (users[m] as PlannedUser).rooms.push(r);
  }
  const slots = Array.from({ length: o.workers }, () => 0);
  for (const u of users) slots[u.worker] = (slots[u.worker] as number) + u.rooms.length;
  const total = slots.reduce((a, b) => a + b, 0);
  return { users, rooms, workerRates: slots.map((s) => (total ? (o.rate * s) / total : 0)) };
}
