/** The HTTP suite on SQL storage: PGlite always, PostgreSQL when enabled (see `TestDatabase`). */
import * as TestDatabase from "@roster/store/test"
import * as HttpSuite from "./HttpSuite.js"

// The suite builds its storage once, before its tests, and disposes of it (database and all) after them.
for (const driver of TestDatabase.drivers()) {
  HttpSuite.suite(`HTTP API on SQL storage (${driver.name})`, () => TestDatabase.ports(driver.layer()))
}
