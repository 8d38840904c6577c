import { z } from 'zod';
import { charCount } from './primitives';

/** At most this many distinct emoji on one message. */
export const MAX_REACTION_EMOJI = 20;
/** A reaction lists its first reactors, up to this many; its `count` is exact. */
export const REACTION_USER_IDS = 20;
export const MAX_EMOJI_CHARS = 32;

/**
 * An emoji sequence or a `:shortcode:`: 1-32 characters (code points), no whitespace. Control
 * characters and lone surrogates are refused too: PostgreSQL cannot store a NUL, and neither names an
 * emoji (the zero-width joiner of emoji sequences is a format character, not a control one).
 */
export const emojiSchema = z
  .string()
  .max(MAX_EMOJI_CHARS * 2, `emoji must be 1-${MAX_EMOJI_CHARS} characters`)
  .refine((s) => {
    const n = charCount(s);
    return n >= 1 && n <= MAX_EMOJI_CHARS;
  }, `emoji must be 1-${MAX_EMOJI_CHARS} characters`)
  .refine((s) => !/[\s\p{Cc}\p{Cs}]/u.test(s), 'emoji must not contain whitespace or control characters');

/** One emoji on a message: how many reacted with it, the first of them, in order of first use. */
export const reactionSchema = z.object({
  emoji: z.string(),
  count: z.number().int().min(1),
  userIds: z.array(z.uuid()).max(REACTION_USER_IDS),
});
export type Reaction = z.infer<typeof reactionSchema>;
