import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printUserSchema } from './schema';

/** Writes services/user/schema.graphql from the resolvers. */
void printUserSchema().then((sdl) => writeFileSync(join(__dirname, '../../../../schema.graphql'), sdl));
