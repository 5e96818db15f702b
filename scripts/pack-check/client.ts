/**
 * A consumer of @roster/client as the registry would serve it (see domain.ts), in plain TypeScript:
 * no Effect in sight. The client's requests go to a `fetch` of this file's own, which answers as
 * the server would, so that what is sent can be checked without one.
 */
import { createRosterClient, RosterApiError } from "@roster/client"

const check = (condition: boolean, what: string) => {
  if (!condition) throw new Error(`pack-check: ${what}`)
}

const sent: Array<{ readonly url: string; readonly method: string; readonly body: string | undefined }> = []
const client = createRosterClient({
  baseUrl: "https://roster.example.test/",
  token: "tot_example",
  fetch: async (url, init) => {
    sent.push({ url: String(url), method: init?.method ?? "GET", body: init?.body as string | undefined })
    if (String(url).endsWith("/terminate")) {
      return new Response(
        JSON.stringify({ errors: [{ code: "LAST_MANAGER", message: "the last one" }], fingerprint: "f" }),
        {
          status: 409
        }
      )
    }
    return new Response(JSON.stringify({ content: [], totalElements: 0, totalPages: 0, size: 5, number: 0 }), {
      status: 200
    })
  }
})

const page = await client.listUsers({ q: "ada", size: 5, status: ["ACTIVE", "INACTIVE"] })
check(page.totalElements === 0 && page.content.length === 0, "the page as answered")
const asked = new URL(sent[0]?.url ?? "https://invalid.test")
check(asked.pathname === "/organizations/users", `the list's path: ${asked.pathname}`)
check(
  asked.searchParams.get("q") === "ada" &&
    asked.searchParams.get("size") === "5" &&
    asked.searchParams.getAll("status").join() === "ACTIVE,INACTIVE",
  `the list's query string: ${asked.search}`
)
const refused = await client
  .terminateUser({ userId: "0b6c1f9e-2f4d-4c31-9a55-2f1f6c8e3b7a" })
  .catch((error: unknown) => error)
check(refused instanceof RosterApiError && refused.status === 409 && refused.code === "LAST_MANAGER", "a refusal")
console.log("@roster/client works as installed: typed methods, RosterApiError on refusal")
