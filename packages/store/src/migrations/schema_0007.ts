/**
 * A user's picture (`User.avatarUrl`): an https URL the user sets on their own profile, null until
 * then. Personal data: erasure clears it with the name. The domain checks it (`User.AvatarUrl`); the
 * bound here is a backstop, counted in characters as the domain counts them.
 */
export const statements: ReadonlyArray<string> = [
  `ALTER TABLE users ADD COLUMN avatar_url text CONSTRAINT users_avatar_url_length CHECK (char_length(avatar_url) <= 2048)`
]
