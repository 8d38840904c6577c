/** Nest injection tokens for what the composition root builds before Nest starts. */
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const CONFIG = Symbol('CONFIG');
