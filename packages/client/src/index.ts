export {
  createRosterClient,
  type ErrorDetail,
  RosterApiError,
  type RosterClient,
  type RosterClientOptions
} from "./RosterClient.js"
