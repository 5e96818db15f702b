/**
 * A database of its own for each size: created through the admin URL, dropped at the end (also when
 * the run fails), so that sizes never share data and nothing is left behind.
 */
import { randomBytes } from "node:crypto"
import pg from "pg"

export const defaultAdminUrl = "postgres://postgres@127.0.0.1:5432/postgres"

export interface Scratch {
  readonly name: string
  readonly url: string
  readonly drop: () => Promise<void>
}

const withAdmin = async <A>(adminUrl: string, use: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

export const create = async (adminUrl: string, label: string): Promise<Scratch> => {
  const name = `roster_bench_${label}_${randomBytes(4).toString("hex")}`
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    // WITH (FORCE): a server the run could not stop must not keep the database.
    drop: () =>
      withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined
      )
  }
}

/** PostgreSQL's version, as `SHOW server_version` says it. */
export const version = (adminUrl: string): Promise<string> =>
  withAdmin(adminUrl, async (client) => (await client.query("SHOW server_version")).rows[0].server_version as string)
