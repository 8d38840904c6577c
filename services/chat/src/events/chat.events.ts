import { CHAT_SUBJECTS, type Message } from '@converge/protocol';
import { newOutboxEvent, type OutboxEvent } from '@converge/runtime';

/** `chat.message.updated.<roomId>`: an edit or a delete (the tombstone). */
export function messageUpdatedEvent(message: Message): OutboxEvent {
  return newOutboxEvent(CHAT_SUBJECTS.messageUpdated(message.roomId), { message });
}

/** `chat.room.member.<roomId>`: someone joined or left. */
export function memberEvent(roomId: string, userId: string, action: 'added' | 'removed', role?: 'admin' | 'member'): OutboxEvent {
  return newOutboxEvent(CHAT_SUBJECTS.roomMember(roomId), { roomId, userId, action, ...(role ? { role } : {}) });
}
