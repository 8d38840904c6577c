import {
  Body,
  type CanActivate,
  Controller,
  createParamDecorator,
  Delete,
  type ExecutionContext,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  addMemberBodySchema,
  changesQuerySchema,
  createRoomBodySchema,
  editMessageBodySchema,
  historyQuerySchema,
  type Member,
  parseOrThrow,
  type PublicRoomPage,
  publicRoomsQuerySchema,
  readBodySchema,
  updateRoomBodySchema,
  type Room,
  type RoomList,
  sendMessageBodySchema,
} from '@converge/protocol';
import { CHAT_METRICS, type ChatMetrics, countedSend } from '../../chat.metrics';
import { type ChangesPageOut, ChatService, type MessagePageOut } from '../../domain/chat.service';
import type { ChatMessage } from '../../domain/ports';
import { bearer, type Identity, TokenVerifier } from '../../auth/token-verifier';
import { emojiOf, memberIdOf, roomIdOf, seqOf } from '../edge-input';

type AuthedRequest = Request & { caller?: Identity };

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: TokenVerifier) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    req.caller = await this.tokens.verify(bearer(req.headers.authorization));
    return true;
  }
}

const CallerId = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().caller?.userId);

/** Parses once, here, with the contract's schemas; the domain gets parsed values. */
@Controller('rooms')
@UseGuards(AuthGuard)
export class RoomsController {
  constructor(
    private readonly chat: ChatService,
    @Inject(CHAT_METRICS) private readonly metrics: ChatMetrics,
  ) {}

  @Post()
  async create(@CallerId() me: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<Room> {
    const { room, created } = await this.chat.createRoom(me, parseOrThrow(createRoomBodySchema, body));
    res.status(created ? 201 : 200);
    return room;
  }

  @Get()
  async list(@CallerId() me: string): Promise<RoomList> {
    return { rooms: await this.chat.listRooms(me) };
  }

  // Before ':id', which would otherwise take "public" for a room id.
  @Get('public')
  directory(@CallerId() me: string, @Query() query: Record<string, unknown>): Promise<PublicRoomPage> {
    return this.chat.publicRooms(me, parseOrThrow(publicRoomsQuerySchema, query));
  }

  @Get(':id')
  get(@CallerId() me: string, @Param('id') id: string): Promise<Room> {
    return this.chat.getRoom(me, roomIdOf(id));
  }

  @Patch(':id')
  update(@CallerId() me: string, @Param('id') id: string, @Body() body: unknown): Promise<Room> {
    return this.chat.updateRoom(me, roomIdOf(id), parseOrThrow(updateRoomBodySchema, body));
  }

  @Post(':id/join')
  async join(@CallerId() me: string, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<Room> {
    const { room, created } = await this.chat.join(me, roomIdOf(id));
    res.status(created ? 201 : 200);
    return room;
  }

  @Post(':id/members')
  addMember(@CallerId() me: string, @Param('id') id: string, @Body() body: unknown): Promise<Member> {
    return this.chat.addMember(me, roomIdOf(id), parseOrThrow(addMemberBodySchema, body));
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  async removeMember(@CallerId() me: string, @Param('id') id: string, @Param('userId') userId: string): Promise<void> {
    await this.chat.removeMember(me, roomIdOf(id), memberIdOf(userId));
  }

  @Get(':id/messages')
  history(@CallerId() me: string, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<MessagePageOut> {
    return this.chat.history(me, roomIdOf(id), parseOrThrow(historyQuerySchema, query));
  }

  @Post(':id/messages')
  async send(
    @CallerId() me: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChatMessage> {
    const roomId = roomIdOf(id);
    const input = parseOrThrow(sendMessageBodySchema, body);
    const { message, created } = await countedSend(this.metrics, 'http', () => this.chat.send(me, roomId, input));
    res.status(created ? 201 : 200);
    return message;
  }

  @Patch(':id/messages/:seq')
  edit(@CallerId() me: string, @Param('id') id: string, @Param('seq') seq: string, @Body() body: unknown): Promise<ChatMessage> {
    return this.chat.edit(me, roomIdOf(id), seqOf(seq), parseOrThrow(editMessageBodySchema, body));
  }

  @Delete(':id/messages/:seq')
  @HttpCode(204)
  async remove(@CallerId() me: string, @Param('id') id: string, @Param('seq') seq: string): Promise<void> {
    await this.chat.delete(me, roomIdOf(id), seqOf(seq));
  }

  @Get(':id/changes')
  changes(@CallerId() me: string, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<ChangesPageOut> {
    const roomId = roomIdOf(id);
    return this.chat.changes(me, { roomId, ...parseOrThrow(changesQuerySchema, query) });
  }

  @Put(':id/messages/:seq/reactions/:emoji')
  @HttpCode(204)
  async react(@CallerId() me: string, @Param('id') id: string, @Param('seq') seq: string, @Param('emoji') emoji: string): Promise<void> {
    await this.chat.react(me, roomIdOf(id), seqOf(seq), emojiOf(emoji), 'add');
  }

  @Delete(':id/messages/:seq/reactions/:emoji')
  @HttpCode(204)
  async unreact(@CallerId() me: string, @Param('id') id: string, @Param('seq') seq: string, @Param('emoji') emoji: string): Promise<void> {
    await this.chat.react(me, roomIdOf(id), seqOf(seq), emojiOf(emoji), 'remove');
  }

  /** Beyond the contract: which members are online (members only, like everything under a room). */
  @Get(':id/presence')
  async presence(@CallerId() me: string, @Param('id') id: string): Promise<{ users: { userId: string; online: boolean }[] }> {
    return { users: await this.chat.presence(me, roomIdOf(id)) };
  }

  @Post(':id/read')
  @HttpCode(204)
  async read(@CallerId() me: string, @Param('id') id: string, @Body() body: unknown): Promise<void> {
    await this.chat.markRead(me, roomIdOf(id), parseOrThrow(readBodySchema, body));
  }
}
