/** The org-user-admin suite on SQL storage: PGlite always, PostgreSQL when enabled (see `TestDatabase`). */
import * as TestDatabase from "@roster/store/test"
import * as OrgUserAdminSuite from "./OrgUserAdminSuite.js"

// Each suite builds its storage once, before its tests, and disposes of it (database and all) after them.
for (const driver of TestDatabase.drivers()) {
  OrgUserAdminSuite.suite(`org-user-admin over HTTP on SQL storage (${driver.name})`, () =>
    TestDatabase.ports(driver.layer())
  )
}
