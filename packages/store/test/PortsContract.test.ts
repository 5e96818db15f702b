import { InMemory } from "@roster/domain"
import * as PortsContract from "./PortsContract.js"
import * as TestDatabase from "./TestDatabase.js"

PortsContract.suite("in memory", () => InMemory.layer)

for (const driver of TestDatabase.drivers()) {
  PortsContract.suite(driver.name, () => TestDatabase.ports(driver.layer()))
}
