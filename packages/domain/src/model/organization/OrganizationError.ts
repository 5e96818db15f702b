import * as Schema from "effect/Schema"

export class OrganizationNotFound extends Schema.TaggedError<OrganizationNotFound>()("OrganizationNotFound", {
  organization: Schema.String
}) {
  override get message() {
    return `No organization with id or name "${this.organization}"`
  }
}

export class OrganizationNameTaken extends Schema.TaggedError<OrganizationNameTaken>()("OrganizationNameTaken", {
  name: Schema.String
}) {
  override get message() {
    return `An organization named "${this.name}" already exists (names are case-insensitive)`
  }
}

export class TokenNotFound extends Schema.TaggedError<TokenNotFound>()("TokenNotFound", {
  tokenId: Schema.String
}) {
  override get message() {
    return `No token ${this.tokenId} in this organization`
  }
}
