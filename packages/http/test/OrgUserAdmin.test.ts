import { InMemory } from "@roster/domain"
import * as OrgUserAdminSuite from "./OrgUserAdminSuite.js"

OrgUserAdminSuite.suite("org-user-admin over HTTP on in-memory storage", () => InMemory.layer)
