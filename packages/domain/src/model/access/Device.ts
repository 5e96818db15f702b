/**
 * What a session's user agent says about where the user signed in: the browser, the operating system
 * and the kind of device, as people name them ("Firefox 121", "Windows 10", "desktop"). Read from the
 * stored user agent when sessions are listed (`DeviceParser`), never stored apart from it.
 */
import * as Schema from "effect/Schema"

export const DeviceType = Schema.Literal("desktop", "mobile", "tablet", "tv", "bot")
export type DeviceType = typeof DeviceType.Type

export const Device = Schema.Struct({
  /** The browser and its major version (`Chrome 120`); null when the user agent does not say. */
  browser: Schema.NullOr(Schema.String),
  /** The operating system and its version (`macOS Catalina`, `iOS 17.1`); null when it does not say. */
  os: Schema.NullOr(Schema.String),
  type: Schema.NullOr(DeviceType)
})
export type Device = typeof Device.Type

/** A session whose user agent says nothing we can read (or that sent none). */
export const unknown: Device = { browser: null, os: null, type: null }
