import { InMemory } from "@roster/domain"
import * as SignInSuite from "./SignInSuite.js"

SignInSuite.suite("Sign-in and self-service over HTTP on in-memory storage", () => InMemory.layer)
