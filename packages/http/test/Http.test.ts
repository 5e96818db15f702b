import { InMemory } from "@roster/domain"
import * as HttpSuite from "./HttpSuite.js"

HttpSuite.suite("HTTP API on in-memory storage", () => InMemory.layer)
