/** The administration suite on SQL storage: PGlite always, PostgreSQL when enabled (see `TestDatabase`). */
import * as TestDatabase from "@roster/store/test"
import * as AdminSuite from "./AdminSuite.js"

// Each suite builds its storage once, before its tests, and disposes of it (database and all) after them.
for (const driver of TestDatabase.drivers()) {
  AdminSuite.suite(`Credential and platform administration over HTTP on SQL storage (${driver.name})`, () =>
    TestDatabase.ports(driver.layer())
  )
}
