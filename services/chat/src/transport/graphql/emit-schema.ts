import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printChatSchema } from './schema';

/** Writes services/chat/schema.graphql from the resolvers. */
void printChatSchema().then((sdl) => writeFileSync(join(__dirname, '../../../../schema.graphql'), sdl));
