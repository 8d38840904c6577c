import { z } from 'zod';
import { intParam, isoDateSchema, trimmedText, uuidSchema } from './primitives';

/** 3-32 chars of [a-z0-9_.-]; input is folded to lower case so uniqueness is case-insensitive. */
export const usernameSchema = z
  .string()
  .max(64, 'username must be 3-32 characters')
  .transform((s) => s.toLowerCase())
  .pipe(
    z
      .string()
      .min(3, 'username must be 3-32 characters')
      .max(32, 'username must be 3-32 characters')
      .regex(/^[a-z0-9_.-]+$/, 'username may only contain a-z, 0-9, _, . and -'),
  );

export const passwordSchema = z
  .string()
  .min(8, 'password must be 8-128 characters')
  .max(128, 'password must be 8-128 characters');

export const displayNameSchema = trimmedText(1, 64, 'displayName');

export const userSchema = z.object({
  id: uuidSchema,
  username: z.string(),
  displayName: z.string(),
  createdAt: isoDateSchema,
});
export type User = z.infer<typeof userSchema>;

export const registerBodySchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  displayName: displayNameSchema.optional(),
});
export type RegisterBody = z.infer<typeof registerBodySchema>;

export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(64).transform((s) => s.toLowerCase()),
  password: z.string().min(1).max(128),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const refreshTokenSchema = z.string().min(1).max(512);
export const refreshBodySchema = z.strictObject({ refreshToken: refreshTokenSchema });
export type RefreshBody = z.infer<typeof refreshBodySchema>;
export const logoutBodySchema = refreshBodySchema;
export type LogoutBody = RefreshBody;

export const tokenPairSchema = z.object({ accessToken: z.string(), refreshToken: z.string() });
export type TokenPair = z.infer<typeof tokenPairSchema>;

export const authResultSchema = tokenPairSchema.extend({ user: userSchema });
export type AuthResult = z.infer<typeof authResultSchema>;

export const updateMeBodySchema = z.strictObject({ displayName: displayNameSchema });
export type UpdateMeBody = z.infer<typeof updateMeBodySchema>;

export const userIdParamSchema = uuidSchema;

export const userSearchQuerySchema = z.strictObject({
  search: z.string().max(32).optional(),
  limit: intParam(1, 50).optional(),
});
export type UserSearchQuery = z.infer<typeof userSearchQuerySchema>;

export const userListSchema = z.object({ users: z.array(userSchema) });
export type UserList = z.infer<typeof userListSchema>;

/** Claims of an access token (JWT). `sub` is the user id. */
export const accessClaimsSchema = z.object({
  sub: uuidSchema,
  username: z.string(),
  exp: z.number(),
  iat: z.number(),
});
export type AccessClaims = z.infer<typeof accessClaimsSchema>;
