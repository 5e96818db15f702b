/**
 * Reading a user agent, as a port: the rules that tell "Chrome on macOS" from the header's text are
 * a maintained library's (`@roster/crypto` uses bowser), and the domain imports `effect` alone.
 */
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as Device from "../model/access/Device.js"

export class DeviceParser extends Context.Tag("@roster/domain/DeviceParser")<
  DeviceParser,
  {
    /** The device a user agent names; `Device.unknown` when it names none (never a failure). */
    readonly parse: (userAgent: string) => Device.Device
  }
>() {}

/** For an application that does not read user agents: every session's device is unknown. */
export const devicesUnknown: Layer.Layer<DeviceParser> = Layer.succeed(DeviceParser, {
  parse: () => Device.unknown
})
