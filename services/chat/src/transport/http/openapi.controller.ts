import { Controller, Get } from '@nestjs/common';
import { type OpenApiDocument, chatOpenApiDocument } from '@converge/protocol/openapi';

/** GET /openapi.json: this service's REST API, the same document as docs/openapi/chat.json. */
@Controller()
export class OpenApiController {
  // Built once: the document depends on the protocol alone, never on a request.
  private readonly document = chatOpenApiDocument();

  @Get('openapi.json')
  openapi(): OpenApiDocument {
    return this.document;
  }
}
