import { InMemory } from "@roster/domain"
import * as AdminSuite from "./AdminSuite.js"

AdminSuite.suite("Credential and platform administration over HTTP on in-memory storage", () => InMemory.layer)
