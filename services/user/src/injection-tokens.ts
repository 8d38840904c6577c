/** Nest injection tokens for values the composition root builds that have no class to inject by. */
export const KEY_SET = Symbol('KEY_SET');
