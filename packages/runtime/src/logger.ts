import pino, { type Logger } from 'pino';
import { safeError } from './log-safe-error';
import { activeTraceFields } from './trace-context';

/**
 * Paths pino censors wherever they appear in a log object: credentials must never reach a log line,
 * even when a handler logs a whole body or request by mistake.
 */
export const REDACT_PATHS = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.authorization',
  '*.*.password',
  '*.*.token',
  '*.*.accessToken',
  '*.*.refreshToken',
  'passwordHash',
  '*.passwordHash',
  '*.*.passwordHash',
  // Whole values that carry user input: request and message bodies, GraphQL variables, socket
  // payloads, SQL parameters. What failed is told by the route, the operation and the error code.
  'body',
  '*.body',
  'variables',
  '*.variables',
  '*.*.variables',
  'payload',
  '*.payload',
  'parameters',
  '*.parameters',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export type { Logger };

export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: safeError, error: safeError },
      // Every line written inside a traced context (an HTTP request, a socket event, a relay publish)
      // names its trace and span, so a trace found in the tracing backend leads to its log lines.
      mixin: activeTraceFields,
    },
    destination,
  );
}
