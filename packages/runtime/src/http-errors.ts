import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, type ErrorBody, type ErrorCode, httpStatusOf } from '@converge/protocol';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** Errors from drivers that mean "a backend is down": the caller may retry, so 503, not 500. */
export function isBackendUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as Error & { code?: unknown }).code;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003'].includes(code)) {
    return true;
  }
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Connection is closed|MaxRetriesPerRequest/i.test(
    e.message,
  );
}

export interface HttpFailure {
  status: number;
  body: ErrorBody;
  retryAfterSeconds?: number | undefined;
}

/** Maps anything thrown by a handler to the contract's error body. Pure, so every transport agrees. */
export function toHttpFailure(e: unknown): HttpFailure {
  if (e instanceof AppError) {
    return { status: httpStatusOf(e.code), body: { error: e.toJSON() }, retryAfterSeconds: e.retryAfterSeconds };
  }
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const code = STATUS_CODES[status];
    if (code) return { status, body: { error: { code, message: httpMessage(e) } } };
  }
  const parserType = (e as { type?: unknown } | null)?.type;
  if (parserType === 'entity.too.large') {
    return { status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'request body is too large' } } };
  }
  if (typeof parserType === 'string' && parserType.startsWith('entity.') || parserType === 'charset.unsupported' || parserType === 'encoding.unsupported') {
    return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'request body is not valid JSON' } } };
  }
  if (isBackendUnavailable(e)) {
    return { status: 503, body: { error: { code: 'UNAVAILABLE', message: 'a backend is unavailable; retry later' } }, retryAfterSeconds: 1 };
  }
  return { status: 500, body: { error: { code: 'UNAVAILABLE', message: 'unexpected error' } } };
}

function httpMessage(e: HttpException): string {
  const r = e.getResponse();
  if (typeof r === 'string') return r;
  const m = (r as { message?: unknown }).message;
  return typeof m === 'string' ? m : e.message;
}

function send(res: Response, f: HttpFailure): void {
  if (f.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(f.retryAfterSeconds))));
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
