/**
 * Tokens minted by a member act for that member (`OrganizationToken.createdByUserId`): while the
 * membership is ACTIVE, within the role's permissions. Null is a token of the organization itself.
 * No foreign key: identities are tombstoned, never deleted, and a creator that cannot be found
 * refuses the token anyway.
 */
export const statements: ReadonlyArray<string> = [`ALTER TABLE organization_tokens ADD COLUMN created_by_user_id uuid`]
