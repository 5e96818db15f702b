/** Sign-in and self-service on SQL storage: PGlite always, PostgreSQL when enabled (see `TestDatabase`). */
import * as TestDatabase from "@roster/store/test"
import * as SignInSuite from "./SignInSuite.js"

// The suite builds its storage once, before its tests, and disposes of it (database and all) after them.
for (const driver of TestDatabase.drivers()) {
  SignInSuite.suite(`Sign-in and self-service over HTTP on SQL storage (${driver.name})`, () =>
    TestDatabase.ports(driver.layer())
  )
}
