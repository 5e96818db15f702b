/**
 * No secret ever shows up in an event or an error message: passwords (right or wrong), session and
 * link secrets, TOTP secrets, recovery codes, and every hash or sealed form of them.
 */
import { Actor, Auth, BearerToken, Credentials, Me, Platform, RecoveryCode, Time, Users } from "@roster/domain"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as TestIdentity from "./TestIdentity.js"
import * as TestOrganization from "./TestOrganization.js"
import * as TestSecrets from "./TestSecrets.js"

describe("secrets", () => {
  it.effect("appear in no event and no error message, through every identity use case", () =>
    Effect.gen(function* () {
      const secrets: Array<string> = []
      const errors: Array<string> = []
      const keep = <A extends string>(secret: A): A => {
        secrets.push(secret)
        return secret
      }
      const failing = <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.flip(effect).pipe(
          Effect.tap((error) => Effect.sync(() => errors.push(error.message, JSON.stringify(error))))
        )

      const auth = yield* Auth
      const me = yield* Me
      const platform = yield* Platform
      const credentials = yield* Credentials
      const users = yield* Users

      const rootPassword = keep("root-password-0451")
      yield* platform.bootstrapAdmin(Actor.operator, { email: "root@example.com", password: rootPassword })
      const acme = yield* TestOrganization.make()
      yield* TestOrganization.addManager(acme)
      const adaPassword = keep("ada-first-password-1815")
      const ada = yield* users.add(acme.operator, {
        email: "ada@example.com",
        password: adaPassword,
        askUserToUpdatePasswordOnLogin: true
      })

      yield* failing(auth.login({ email: "ada@example.com", password: keep("wrong-guess-password-1") }))
      yield* failing(auth.login({ email: "nobody@example.com", password: keep("wrong-guess-password-2") }))
      const first = yield* auth.login({ email: "ada@example.com", password: adaPassword })
      keep(first.secret)
      const firstActor = yield* auth.authenticate(first.secret)
      yield* failing(me.profile(firstActor))
      yield* failing(
        me.changePassword(firstActor, { currentPassword: keep("not-the-current-one"), newPassword: "whatever-1234" })
      )
      const adaSecondPassword = keep("ada-second-password-1843")
      const actor = yield* me.changePassword(firstActor, {
        currentPassword: adaPassword,
        newPassword: adaSecondPassword
      })

      const enrolment = yield* me.startTotp(actor)
      keep(enrolment.secret)
      keep(enrolment.otpauthUrl)
      for (const code of enrolment.recoveryCodes) {
        keep(code)
        keep(RecoveryCode.normalize(code))
      }
      yield* TestClock.adjust("1 minute")
      yield* me.enableTotp(actor, TestSecrets.totpCode(enrolment.secret, yield* Time.now))
      yield* failing(auth.login({ email: "ada@example.com", password: adaSecondPassword, code: "000000" }))
      yield* TestClock.adjust("1 minute")
      keep((yield* TestIdentity.signIn("ada@example.com", adaSecondPassword, enrolment.recoveryCodes[0]!)).secret)
      keep(
        (yield* TestIdentity.signIn(
          "ada@example.com",
          adaSecondPassword,
          TestSecrets.totpCode(enrolment.secret, yield* Time.now)
        )).secret
      )
      yield* failing(me.disableMfa(actor, keep("wrong-password-for-mfa")))

      const link = yield* credentials.magicLink(acme.operator, ada.user.id)
      keep(link.secret)
      yield* failing(auth.useMagicLink({ token: link.secret }))
      yield* failing(auth.useMagicLink({ token: keep(`mlt_${"x".repeat(52)}`) }))
      yield* TestClock.adjust("30 seconds")
      keep(
        (yield* auth.useMagicLink({
          token: link.secret,
          code: TestSecrets.totpCode(enrolment.secret, yield* Time.now)
        })).secret
      )
      const verification = yield* credentials.emailVerification(acme.operator, ada.user.id)
      yield* auth.verifyEmail(keep(verification.secret))
      yield* failing(auth.verifyEmail(verification.secret))
      yield* failing(auth.authenticate(keep(`ses_${"y".repeat(52)}`)))

      const adminSet = keep("set-by-an-organization-admin")
      yield* credentials.setPassword(acme.operator, ada.user.id, { password: adminSet })
      // (Refused as the email address: no secret, since the email is not one.)
      yield* failing(credentials.setPassword(acme.operator, ada.user.id, { password: "Ada@Example.com" }))
      const platformSet = keep("set-by-a-platform-admin")
      yield* platform.resetPassword(Actor.operator, ada.user.id, { password: platformSet })
      yield* platform.disableMfa(Actor.operator, ada.user.id)
      yield* users.resetMfa(acme.operator, ada.user.id)

      // Every hash and sealed value the secrets ports made, and the SHA-256 of every bearer secret.
      const produced = yield* TestIdentity.producedSecrets
      const hashes = yield* Effect.forEach(secrets, (secret) =>
        secret.includes("_") ? BearerToken.hash(secret) : RecoveryCode.hash(secret)
      )
      const everything = [...secrets, ...produced, ...hashes]
      assert.isAbove(everything.length, 40)

      const events = yield* TestIdentity.allEvents
      assert.isAbove(events.length, 20)
      const log = JSON.stringify(events)
      const said = errors.join("\n")
      for (const secret of everything) {
        // Case-insensitive: a recovery code is accepted in any case, so no case of it may leak either.
        assert.notInclude(log.toLowerCase(), secret.toLowerCase(), "an event holds a secret")
        assert.notInclude(said.toLowerCase(), secret.toLowerCase(), "an error message holds a secret")
      }
    }).pipe(Effect.provide(TestIdentity.layer))
  )
})
