import * as Layer from "effect/Layer"
import { Atomic } from "./Atomic.js"
import { Audit } from "./Audit.js"
import { Auth } from "./Auth.js"
import { Credentials } from "./Credentials.js"
import type * as InMemory from "../memory/InMemory.js"
import { Me } from "./Me.js"
import { Organizations } from "./Organizations.js"
import { Platform } from "./Platform.js"
import type { DeviceParser } from "../ports/Devices.js"
import {
  type KeyedHash,
  type PasswordHasher,
  type SecretBox,
  type Totp,
  passwordsUnavailable
} from "../ports/Secrets.js"
import { Tokens } from "./Tokens.js"
import { Users } from "./Users.js"

/** The organization use cases: organizations, members, tokens, the audit log. */
export type UseCases = Organizations | Users | Tokens | Audit | Atomic

/** The identity use cases: signing in, one's own account, members' sign-in, platform administration. */
export type IdentityUseCases = Auth | Me | Credentials | Platform

/** The ports the secrets need (`@roster/crypto` implements them on Node). */
export type Secrets = PasswordHasher | SecretBox | Totp | KeyedHash

/**
 * What the identity use cases need beyond storage: the secrets, and reading a session's user agent
 * (`@roster/crypto` implements them all on Node).
 */
export type Adapters = Secrets | DeviceParser

/** The organization use cases, over the storage ports and a `PasswordHasher` (for `Users.add` with a password). */
const organizationLayer = Layer.mergeAll(
  Organizations.Default,
  Users.Default,
  Tokens.Default,
  Audit.Default,
  Atomic.Default
)

/**
 * The organization use cases over whichever implementation of the ports is provided, with no
 * cryptography: adding a member with a password dies (`passwordsUnavailable`). `fullLayer` is what
 * an application with passwords composes.
 */
export const layer: Layer.Layer<UseCases, never, InMemory.Ports> = organizationLayer.pipe(
  Layer.provide(passwordsUnavailable)
)

/** The identity use cases: they need the secrets ports and the device parser as well as the storage ports. */
export const identityLayer: Layer.Layer<IdentityUseCases, never, InMemory.Ports | Adapters> = Layer.mergeAll(
  Auth.Default,
  Me.Default,
  Credentials.Default,
  Platform.Default
)

/** Every use case, as an application composes them: storage and secrets provided once, to all. */
export const fullLayer: Layer.Layer<UseCases | IdentityUseCases, never, InMemory.Ports | Adapters> = Layer.mergeAll(
  organizationLayer,
  identityLayer
)
