import { InMemory } from "@roster/domain"
import * as OrgUsersBasicSuite from "./OrgUsersBasicSuite.js"

OrgUsersBasicSuite.suite("org-users-basic over HTTP on in-memory storage", () => InMemory.layer)
