/** The identity commands over the in-memory store. */
import * as IdentitySuite from "./IdentitySuite.js"
import * as InMemoryStorage from "./InMemoryStorage.js"

IdentitySuite.suite("in memory", () => InMemoryStorage.make())
