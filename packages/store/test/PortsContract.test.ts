import { PortsContract } from "@roster/domain/testing"
import * as TestDatabase from "./TestDatabase.js"

for (const driver of TestDatabase.drivers()) {
  PortsContract.suite(driver.name, () => TestDatabase.ports(driver.layer()))
}
