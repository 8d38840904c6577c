import { type Ack, ClientEvent } from '@converge/protocol';
import { countedSend } from '../../chat.metrics';
import type { HandlerDeps } from './handler.deps';
import type { ChatSocket } from './socket.types';

/** message:* and reaction:* events: the payload arrives parsed; the use case persists, then broadcasts; the result is the ack. */
export function registerMessageHandlers(socket: ChatSocket, d: HandlerDeps): void {
  const ackLatency = (a: Ack<object>, t0: number) =>
    d.metrics.ackLatency.observe({ result: a.ok ? 'ok' : a.error.code }, (performance.now() - t0) / 1000);

  d.handle(
    socket,
    ClientEvent.MessageSend,
    async ({ roomId, body, clientMsgId }, { userId }) => {
      const { message } = await countedSend(d.metrics, 'socket', () => d.chat.send(userId, roomId, { body, clientMsgId }));
      return { message };
    },
    ackLatency,
  );

  d.handle(socket, ClientEvent.MessageEdit, async ({ roomId, seq, body }, { userId }) => ({
    message: await d.chat.edit(userId, roomId, seq, { body }),
  }));

  d.handle(socket, ClientEvent.MessageDelete, async ({ roomId, seq }, { userId }) => {
    await d.chat.delete(userId, roomId, seq);
    return {};
  });

  d.handle(socket, ClientEvent.ReactionAdd, async ({ roomId, seq, emoji }, { userId }) => ({
    message: await d.chat.react(userId, roomId, seq, emoji, 'add'),
  }));

  d.handle(socket, ClientEvent.ReactionRemove, async ({ roomId, seq, emoji }, { userId }) => ({
    message: await d.chat.react(userId, roomId, seq, emoji, 'remove'),
  }));
}
