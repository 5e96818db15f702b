/**
 * Tokens minted by a member act for that member (`OrganizationToken.createdByUserId`): while the
 * membership is ACTIVE, within the role's permissions. Null is a token of the organization itself.
 * No foreign key: identities are tombstoned, never deleted, and a creator that cannot be found
 * refuses the token anyway.
 */
export const statements: ReadonlyArray<string> = [
  `ALTER TABLE organization_tokens ADD COLUMN created_by_user_id uuid`,
  // Tokens minted through a member's session before this migration: the audit log knows who.
  `UPDATE organization_tokens t SET created_by_user_id = (e.actor->>'id')::uuid
   FROM events e
   WHERE e.type = 'token.created' AND e.organization_id = t.organization_id
     AND e.actor->>'type' = 'user' AND e.after->>'tokenId' = t.id::text`
]
