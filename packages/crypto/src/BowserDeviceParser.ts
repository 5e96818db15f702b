/**
 * `DeviceParser` on bowser (MIT): the browser, the operating system and the kind of device a user
 * agent names, as people say them ("Chrome 120", "macOS Catalina", "desktop").
 */
import { Device, DeviceParser } from "@roster/domain"
import Bowser from "bowser"
import * as Layer from "effect/Layer"

const types: ReadonlyArray<string> = Device.DeviceType.literals

/** `name version`, or the name alone, or null when there is no name. */
const named = (name: string | undefined, version: string | undefined): string | null => {
  if (name === undefined || name === "") return null
  return version === undefined || version === "" ? name : `${name} ${version}`
}

/** Bowser's reading of `userAgent`, or null where it has none (it throws on an empty one). */
const read = (userAgent: string): Bowser.Parser.ParsedResult | null => {
  if (userAgent.trim() === "") return null
  try {
    return Bowser.parse(userAgent)
  } catch {
    return null
  }
}

export const parse = (userAgent: string): Device.Device => {
  const parsed = read(userAgent)
  if (parsed === null) return Device.unknown
  const { browser, os, platform } = parsed
  const type = platform.type
  return {
    // The major version: "Chrome 120", as people name it, not "Chrome 120.0.6099.144".
    browser: named(browser.name, browser.version?.split(".")[0]),
    // Windows and macOS by their release names ("Windows 10", "macOS Catalina"), others by number.
    os: named(os.name, os.versionName ?? os.version),
    type: type !== undefined && types.includes(type) ? (type as Device.DeviceType) : null
  }
}

export const layer: Layer.Layer<DeviceParser> = Layer.succeed(DeviceParser, DeviceParser.of({ parse }))
