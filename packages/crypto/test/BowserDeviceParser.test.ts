import { assert, describe, it } from "@effect/vitest"
import { Device, DeviceParser } from "@roster/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { BowserDeviceParser } from "../src/index.js"

const agents: ReadonlyArray<readonly [userAgent: string, device: Device.Device]> = [
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    { browser: "Chrome 120", os: "macOS Catalina", type: "desktop" }
  ],
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    { browser: "Firefox 121", os: "Windows 10", type: "desktop" }
  ],
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    { browser: "Safari 17", os: "iOS 17.1", type: "mobile" }
  ],
  [
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    { browser: "Safari 16", os: "iOS 16.6", type: "tablet" }
  ],
  [
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
    { browser: "Chrome 120", os: "Android 14", type: "mobile" }
  ],
  [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    { browser: "Googlebot 2", os: null, type: "bot" }
  ],
  // Scripts and tools name no browser the parser knows: nothing is made up.
  ["curl/8.4.0", Device.unknown],
  ["roster-cli/1.0", Device.unknown],
  ["", Device.unknown]
]

describe("BowserDeviceParser", () => {
  it.effect("names the browser (major version), the operating system and the kind of device", () =>
    Effect.gen(function* () {
      const devices = yield* DeviceParser
      for (const [userAgent, device] of agents) assert.deepStrictEqual(devices.parse(userAgent), device, userAgent)
    }).pipe(Effect.provide(BowserDeviceParser.layer))
  )

  it.effect("answers a device the domain's schema describes, never a failure, whatever the text", () =>
    Effect.sync(() => {
      for (const text of [
        "   ",
        "\u0000",
        "Mozilla/5.0 (",
        "x".repeat(512),
        "Mozilla/5.0 (Windows NT 99.9)",
        "😀/1.0"
      ]) {
        const device = BowserDeviceParser.parse(text)
        assert.deepStrictEqual(Schema.decodeUnknownSync(Device.Device)(device), device, JSON.stringify(text))
      }
    })
  )
})
