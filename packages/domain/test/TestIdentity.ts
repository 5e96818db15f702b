/**
 * Every use case, identity included, over fresh in-memory ports and the test-only secrets. Every
 * test provides `layer` itself, so each one starts from empty storage.
 */
import type { DomainEvent, InMemory as InMemoryTypes, UserInput } from "@roster/domain"
import type { Device } from "@roster/domain"
import { Actor, Auth, DeviceParser, InMemory, Me, Platform, Services, Time, Users } from "@roster/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as TestSecrets from "./TestSecrets.js"
import type * as TestOrganization from "./TestOrganization.js"

export type Ports = Effect.Effect.Success<typeof InMemory.make>

/** The raw in-memory ports, for set-ups and inspections no use case offers. */
export class TestPorts extends Context.Tag("test/TestPorts")<TestPorts, Ports>() {}

export type Provided =
  | Services.UseCases
  | Services.IdentityUseCases
  | InMemoryTypes.Ports
  | TestPorts
  | TestSecrets.TestSecretsLog

/** A device parser that reads `Browser/1.0 (OS; type)` and nothing else, so tests name what they expect. */
export const testDevices = Layer.succeed(DeviceParser, {
  parse: (userAgent) => {
    const match = /^([^/ ]+)\/\S+ \(([^;]+); (desktop|mobile|tablet|tv|bot)\)$/.exec(userAgent)
    return match === null
      ? { browser: null, os: null, type: null }
      : { browser: match[1]!, os: match[2]!, type: match[3] as Device.DeviceType }
  }
})

/** Like `layer`, over in-memory ports that `adjust` may wrap (a port that lets other fibers run, say). */
export const layerWith = (adjust: (ports: Ports) => Ports): Layer.Layer<Provided> =>
  Services.fullLayer.pipe(
    Layer.provideMerge(
      Layer.merge(
        Layer.effectContext(
          Effect.map(InMemory.make, (original) => {
            const ports = adjust(original)
            return InMemory.context(ports).pipe(Context.add(TestPorts, ports))
          })
        ),
        Layer.merge(TestSecrets.layer, testDevices)
      )
    )
  )

export const layer: Layer.Layer<Provided> = layerWith((ports) => ports)

/** Every event stored, in any organization or none, oldest first. */
export const allEvents: Effect.Effect<ReadonlyArray<DomainEvent.DomainEvent>, never, TestPorts> = Effect.flatMap(
  TestPorts,
  (ports) => ports.allEvents
)

export const dummyVerifications = Effect.flatMap(TestSecrets.TestSecretsLog, (log) => Ref.get(log.dummyVerifications))

/** Every hash, sealed value and TOTP secret the test secrets made. */
export const producedSecrets = Effect.flatMap(TestSecrets.TestSecretsLog, (log) => Ref.get(log.produced))

export const password = "correct horse battery staple"

/** Adds a member with a password, as the organization's operator. */
export const addWithPassword = (
  organization: TestOrganization.TestOrganization,
  email: string,
  input: Partial<UserInput.AddUser> = {}
) => Effect.flatMap(Users, (users) => users.add(organization.operator, { email, password, ...input }))

/** Signs in and authenticates the new session: its secret and the actor it stands for. */
export const signIn = (email: string, secret = password, code?: string) =>
  Effect.gen(function* () {
    const auth = yield* Auth
    const signedIn = yield* auth.login({ email, password: secret, code, userAgent: "Vitest", ip: "203.0.113.7" })
    const actor = yield* auth.authenticate(signedIn.secret)
    return { ...signedIn, actor }
  })

/** Whether a session secret still authenticates. */
export const stillWorks = (secret: string) =>
  Effect.flatMap(Auth, (auth) => auth.authenticate(secret)).pipe(
    Effect.match({ onFailure: () => false, onSuccess: () => true })
  )

/** A platform admin made by the operator (`roster admins create`), signed in. */
export const platformAdmin = (email = "root@example.com") =>
  Effect.gen(function* () {
    const platform = yield* Platform
    const account = yield* platform.bootstrapAdmin(Actor.operator, { email, password })
    return { account, ...(yield* signIn(email)) }
  })

/** Enrols and enables TOTP for a signed-in user: the TOTP secret and the recovery codes. */
export const enableTotp = (actor: Actor.SessionActor) =>
  Effect.gen(function* () {
    const me = yield* Me
    const enrolment = yield* me.startTotp(actor)
    yield* me.enableTotp(actor, TestSecrets.totpCode(enrolment.secret, yield* Time.now))
    return enrolment
  })
