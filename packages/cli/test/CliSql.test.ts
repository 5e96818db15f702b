/** The CLI suite on SQL storage: PGlite always, PostgreSQL when enabled (see `TestDatabase`). */
import * as TestDatabase from "@roster/store/test"
import * as CliSuite from "./CliSuite.js"
import * as IdentitySuite from "./IdentitySuite.js"
import * as SqlStorage from "./SqlStorage.js"

for (const driver of TestDatabase.drivers()) {
  IdentitySuite.suite(
    `SQL, ${driver.name}`,
    SqlStorage.make(() => driver.layer())
  )
  CliSuite.suite(
    `SQL, ${driver.name}`,
    SqlStorage.make(() => driver.layer())
  )
}
