// The project's API reference, generated from the protocol: `@converge/protocol/openapi`. A subpath of its
// own so the web bundle, which imports only the schemas, never pulls in the generator.
import { chatOpenApiDocument } from './chat.openapi';
import { socketAsyncApiDocument } from './socket.asyncapi';
import { userOpenApiDocument } from './user.openapi';

export { chatOpenApiDocument } from './chat.openapi';
export { userOpenApiDocument } from './user.openapi';
export { socketAsyncApiDocument, type AsyncApiDocument } from './socket.asyncapi';
export type { OpenApiDocument } from './openapi.common';

/** Every generated document, by its path under the repository root (where `npm run docs` writes it). */
export const API_DOCUMENTS: Readonly<Record<string, () => object>> = {
  'docs/openapi/user.json': userOpenApiDocument,
  'docs/openapi/chat.json': chatOpenApiDocument,
  'docs/asyncapi/socket.json': socketAsyncApiDocument,
};

/** The committed form: two-space JSON and a final newline, so a regenerated file diffs cleanly. */
export function renderDocument(doc: object): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
export { documentedOperations, type DocumentedOperation } from './operations';
