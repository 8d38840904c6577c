import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { type HttpFailure, type Logger, noteErrorCode, toHttpFailure } from '@converge/runtime';

function send(res: Response, f: HttpFailure): void {
  if (f.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(f.retryAfterSeconds))));
  noteErrorCode(res, f.body.error.code);
  res.status(f.status).json(f.body);
}

/** Nest filter: contract error bodies everywhere, except the probes which keep terminus's report. */
@Catch()
export class ContractExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (exception instanceof HttpException && (req.path === '/readyz' || req.path === '/healthz')) {
      res.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const f = toHttpFailure(exception);
    if (f.status >= 500) this.logger.error({ err: exception, route: req.path }, 'Unhandled error');
    if (res.headersSent) return;
    send(res, f);
  }
}

/** Express error middleware for failures before Nest routes run (body parsing, size limits). */
export function expressErrorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const f = toHttpFailure(err);
    if (f.status >= 500) logger.error({ err }, 'Unhandled error');
    send(res, f);
  };
}
