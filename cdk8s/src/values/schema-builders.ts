// Small JSON Schema builders: every object is closed (additionalProperties: false) and lists all of
// its keys as required, so a typo'd or misplaced key fails `helm template` instead of being ignored.

export type Schema = Record<string, unknown>;

export function obj(description: string, properties: Record<string, Schema>): Schema {
  return { type: 'object', description, additionalProperties: false, required: Object.keys(properties), properties };
}
export const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
export const int = (description: string, minimum: number, maximum?: number): Schema => ({
  type: 'integer',
  description,
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
export const bool = (description: string): Schema => ({ type: 'boolean', description });
export const oneOf = (description: string, values: string[]): Schema => ({ type: 'string', description, enum: values });
/** A Kubernetes quantity such as `100m`, `1.5`, `256Mi`. */
export const quantity = (description: string): Schema =>
  str(description, { pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$' });
export const stringMap = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
});
export const stringList = (description: string, item: Schema = { type: 'string' }): Schema => ({
  type: 'array',
  description,
  items: item,
});
