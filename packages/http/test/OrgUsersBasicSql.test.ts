/** The org-users-basic suite on SQL storage: PGlite always, PostgreSQL when enabled (see `TestDatabase`). */
import * as TestDatabase from "@roster/store/test"
import * as OrgUsersBasicSuite from "./OrgUsersBasicSuite.js"

// Each suite builds its storage once, before its tests, and disposes of it (database and all) after them.
for (const driver of TestDatabase.drivers()) {
  OrgUsersBasicSuite.suite(`org-users-basic over HTTP on SQL storage (${driver.name})`, () =>
    TestDatabase.ports(driver.layer())
  )
}
