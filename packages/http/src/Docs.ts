/**
 * The API reference pages: Swagger UI over each OpenAPI document the app serves — Roster's own at
 * `/docs`, the Users API contract at `/docs/contract`, each compatible surface's at
 * `/docs/<surface>`. Swagger UI's script and style come from the installed `swagger-ui-dist` and are
 * served here, so the pages load nothing from another origin. The pages, and only they, answer with
 * `contentSecurityPolicy`: their own scripts and styles, requests to this server; no inline script.
 */
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import type express from "express"
import helmet from "helmet"
import * as SurfaceDocuments from "./surfaces/index.js"

export interface Page {
  /** Where the page is served. */
  readonly path: string
  /** How the pages' menu names it. */
  readonly title: string
  /** The OpenAPI document it shows, served by the app. */
  readonly document: string
}

export const pages: ReadonlyArray<Page> = [
  { path: "/docs", title: "Roster", document: "/openapi/roster.json" },
  { path: "/docs/contract", title: "Users API contract", document: "/openapi.json" },
  ...SurfaceDocuments.documents.map(({ surface, path }) => ({
    path: `/docs/${surface}`,
    title: surface,
    document: path
  }))
]

/** Only for the pages (the other answers keep `default-src 'none'`): no inline script, nothing from elsewhere. */
export const contentSecurityPolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    // Swagger UI's stylesheet draws a few icons as data: URLs.
    imgSrc: ["'self'", "data:"],
    // The document, and "Try it out".
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"]
  }
})

// Runs in the browser: loads the page's document and hands it to Swagger UI.
const script = `"use strict";
(function () {
  var root = document.getElementById("reference");
  fetch(root.dataset.document, { headers: { accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error(root.dataset.document + " answered " + response.status);
      return response.json();
    })
    .then(function (spec) {
      // "Try it out" asks the server that serves this page, whatever servers the document names.
      spec.servers = [{ url: "/", description: "This server" }];
      SwaggerUIBundle({ spec: spec, domNode: root, deepLinking: true, validatorUrl: null });
    })
    .catch(function (error) {
      root.textContent = "The API reference could not be loaded: " + error.message;
    });
})();
`

const style = `body { margin: 0; font-family: sans-serif; }
.docs-menu { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: baseline; padding: 0.75rem 1.5rem; background: #1b1b1b; color: #fff; }
.docs-menu a { color: #cfd8ff; }
.docs-menu a[aria-current="page"] { color: #fff; font-weight: bold; text-decoration: none; }
.docs-menu .docs-raw { margin-left: auto; }
`

interface Asset {
  readonly path: string
  readonly contentType: string
  readonly body: () => Promise<Buffer>
}

/** One read per process, on first use: the pages cost nothing until someone opens them. */
const once = (read: () => Promise<Buffer>): (() => Promise<Buffer>) => {
  let body: Promise<Buffer> | undefined
  return () => {
    body ??= read().catch((error) => {
      body = undefined
      throw error
    })
    return body
  }
}

/** An asset of ours, named by its content: cached for good, since another content is another path. */
const inline = (name: string, extension: string, contentType: string, text: string): Asset => {
  const body = Buffer.from(text, "utf8")
  const hash = Crypto.createHash("sha256").update(body).digest("hex").slice(0, 12)
  return { path: `/docs/assets/${name}.${hash}.${extension}`, contentType, body: () => Promise.resolve(body) }
}

/**
 * Swagger UI's files, from the installed package, under a path that names its version. Resolved from
 * this module: in the server's bundle that is the app's directory, so the app depends on it too.
 */
const swaggerUi = () => {
  const root = Path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))
  const { version } = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8")) as { version: string }
  const file = (name: string, contentType: string): Asset => ({
    path: `/docs/assets/swagger-ui-dist@${version}/${name}`,
    contentType,
    body: once(() => Fs.promises.readFile(Path.join(root, name)))
  })
  return {
    script: file("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    style: file("swagger-ui.css", "text/css; charset=utf-8")
  }
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

const html = (page: Page, assets: { readonly scripts: ReadonlyArray<Asset>; readonly styles: ReadonlyArray<Asset> }) =>
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} — API reference</title>
<link rel="icon" href="data:,">
${assets.styles.map((asset) => `<link rel="stylesheet" href="${escapeHtml(asset.path)}">`).join("\n")}
</head>
<body>
<nav class="docs-menu" aria-label="API references">
<strong>API reference</strong>
${pages
  .map(
    (other) =>
      `<a href="${escapeHtml(other.path)}"${other.path === page.path ? ' aria-current="page"' : ""}>${escapeHtml(other.title)}</a>`
  )
  .join("\n")}
<a class="docs-raw" href="${escapeHtml(page.document)}">${escapeHtml(page.document)}</a>
</nav>
<main id="reference" data-document="${escapeHtml(page.document)}"></main>
${assets.scripts.map((asset) => `<script src="${escapeHtml(asset.path)}"></script>`).join("\n")}
</body>
</html>
`

const send = (res: express.Response, contentType: string, body: Buffer) => {
  res.statusCode = 200
  res.setHeader("Content-Type", contentType)
  res.setHeader("Content-Length", String(body.length))
  res.end(body)
}

/**
 * Mounts the pages and their assets on `app`, telling `allow` each path's method (for 405s).
 * Assets under a path that names their content or version are cached for good; the rest of the
 * hardening headers stay as `Hardening` set them.
 */
export const mount = (app: express.Express, allow: (path: string, method: string) => void): void => {
  const swagger = swaggerUi()
  const assets = {
    scripts: [swagger.script, inline("roster-docs", "js", "text/javascript; charset=utf-8", script)],
    styles: [swagger.style, inline("roster-docs", "css", "text/css; charset=utf-8", style)]
  }
  for (const asset of [...assets.scripts, ...assets.styles]) {
    app.get(asset.path, (_req, res, next) =>
      asset.body().then((body) => {
        res.setHeader("Cache-Control", "public, max-age=31536000, immutable")
        send(res, asset.contentType, body)
      }, next)
    )
    allow(asset.path, "GET")
  }
  for (const page of pages) {
    const body = Buffer.from(html(page, assets), "utf8")
    app.get(page.path, contentSecurityPolicy, (_req, res) => send(res, "text/html; charset=utf-8", body))
    allow(page.path, "GET")
  }
}
