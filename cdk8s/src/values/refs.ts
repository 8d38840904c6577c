import { expr, exprNumber } from '../helm/expr';
import type { ValuePath } from './defaults';

// Typed references to values: the path is checked against defaults.ts at compile time.

/** `.Values.<path>` as template text, for conditions and larger actions. */
export const v = (path: ValuePath): string => `.Values.${path}`;

/** The value as YAML (numbers stay numbers, strings are quoted, maps and lists become JSON). */
export const value = (path: ValuePath): string => expr(`toJson ${v(path)}`);
export const valueNumber = (path: ValuePath): number => exprNumber(`toJson ${v(path)}`);

/** The value as a string (for env vars, which must be strings even when the value is a number). */
export const valueString = (path: ValuePath): string => expr(`${v(path)} | toString | toJson`);
