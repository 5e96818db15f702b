/** The identity commands over the in-memory store, and through a server's operator channel. */
import * as IdentitySuite from "./IdentitySuite.js"
import * as InMemoryStorage from "./InMemoryStorage.js"
import * as ServerStorage from "./ServerStorage.js"

IdentitySuite.suite("in memory", () => InMemoryStorage.make())
IdentitySuite.suite("behind a running server", ServerStorage.make)
