import { CHAT_SUBJECTS, type Message } from '@converge/protocol';
import { newOutboxEvent, type OutboxEvent } from '@converge/runtime';

export function messageCreatedEvent(message: Message): OutboxEvent {
  return newOutboxEvent(CHAT_SUBJECTS.messageCreated(message.roomId), { message });
}

export function messageUpdatedEvent(message: Message): OutboxEvent {
  return newOutboxEvent(CHAT_SUBJECTS.messageUpdated(message.roomId), { message });
}

export function memberEvent(roomId: string, userId: string, action: 'added' | 'removed', role?: 'admin' | 'member'): OutboxEvent {
  return newOutboxEvent(CHAT_SUBJECTS.roomMember(roomId), { roomId, userId, action, ...(role ? { role } : {}) });
}
