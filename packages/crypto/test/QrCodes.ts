/**
 * Reading back a QR code a `Totp.qrCode` drew, as a phone's camera would: the data URL's PNG decoded
 * (pngjs) and the code in it read (jsQR). For the tests of this package and of others
 * (`@roster/crypto/test/qr-codes`).
 */
import jsQRModule from "jsqr"
import { PNG } from "pngjs"

// jsqr is CommonJS typed as an ES module: imported from ES modules, its default is module.exports,
// which is the function itself (and holds it again as `default`).
const jsQR = jsQRModule as unknown as typeof jsQRModule.default

const prefix = "data:image/png;base64,"

/** The eight bytes every PNG file starts with. */
export const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export interface Read {
  /** The PNG's bytes, signature first. */
  readonly png: Buffer
  readonly width: number
  readonly height: number
  /** The text the QR code holds; null when no QR code is found in the image. */
  readonly text: string | null
}

/** The image of a `data:image/png;base64,…` URL and what its QR code says; throws when it is not one. */
export const read = (dataUrl: string): Read => {
  if (!dataUrl.startsWith(prefix)) throw new Error(`not a PNG data URL: ${dataUrl.slice(0, 40)}…`)
  const png = Buffer.from(dataUrl.slice(prefix.length), "base64")
  const image = PNG.sync.read(png)
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height)
  return { png, width: image.width, height: image.height, text: code?.data ?? null }
}
