import type { RoomVisibility, SystemEvent } from '@converge/protocol';

/** A room's settings an admin may change, as stored. */
export interface RoomSettings {
  name: string;
  visibility: RoomVisibility;
}

/**
 * The system messages an update makes, in the order they are stored: one per setting that really
 * changes (the current value given again records nothing, takes no seq).
 */
export function roomChangeEvents(current: RoomSettings, wanted: Partial<RoomSettings>): SystemEvent[] {
  const events: SystemEvent[] = [];
  if (wanted.name !== undefined && wanted.name !== current.name) events.push({ event: 'renamed', name: wanted.name });
  if (wanted.visibility !== undefined && wanted.visibility !== current.visibility) {
    events.push({ event: 'visibility', visibility: wanted.visibility });
  }
  return events;
}

/** A membership change as the timeline records it: leaving is removing oneself. */
export function removalEvent(actorId: string, userId: string): SystemEvent {
  return actorId === userId ? { event: 'left', userId } : { event: 'removed', userId };
}

/** What a system message refuses (edits, deletes, reactions): the timeline's record of a change is not anyone's to rewrite. */
export const SYSTEM_MESSAGE_IMMUTABLE = 'a system message cannot be edited, deleted or reacted to';
