import type { ServerResponse } from 'node:http';
import { AppError, type ErrorBody, type ErrorCode, httpStatusOf } from '@converge/protocol';
import { pgFailureKind } from './pg-errors';

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

/**
 * Errors from drivers that mean "a backend is down or moved": the caller may retry, so 503 UNAVAILABLE
 * with Retry-After, never a 500. For PostgreSQL that includes a write that landed on a replica (25006,
 * mid-failover) and a rolled-back serialization failure or deadlock (40001, 40P01): nothing committed,
 * and a send's retry with the same clientMsgId is exact anyway.
 */
export function isBackendUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (pgFailureKind(e) !== undefined) return true;
  // Redis (ioredis) outages.
  return /Connection is closed|MaxRetriesPerRequest/i.test(e.message);
}

/**
 * An error that carries its own HTTP status, as a framework's exceptions do (NestJS's HttpException).
 * Recognised by shape, so the core maps them without depending on the framework.
 */
export interface StatusError {
  message: string;
  getStatus(): number;
  getResponse(): string | object;
}

export function isStatusError(e: unknown): e is StatusError {
  return (
    e instanceof Error &&
    typeof (e as Partial<StatusError>).getStatus === 'function' &&
    typeof (e as Partial<StatusError>).getResponse === 'function'
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
  if (isStatusError(e)) {
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

function httpMessage(e: StatusError): string {
  const r = e.getResponse();
  if (typeof r === 'string') return r;
  const m = (r as { message?: unknown }).message;
  return typeof m === 'string' ? m : e.message;
}

/** Writes a failure as the contract's JSON error body, with Retry-After when the caller should wait. */
export function sendHttpFailure(res: ServerResponse, f: HttpFailure): void {
  if (f.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(f.retryAfterSeconds))));
  const text = JSON.stringify(f.body);
  res.statusCode = f.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
