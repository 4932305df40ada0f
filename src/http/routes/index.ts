/**
 * The receiver's route families, one module each. Adding one is a file in this
 * folder (a default export `(app) => void` that registers its routes, reading
 * `app.receiver` for configuration, database and replay memory) and a line here.
 */
import type { RouteFamily } from "../context.ts";
import booking from "./booking.ts";
import calcom from "./calcom.ts";
import calendly from "./calendly.ts";
import events from "./events.ts";
import heyreach from "./heyreach.ts";
import instantly from "./instantly.ts";
import smartlead from "./smartlead.ts";
import unsubscribe from "./unsubscribe.ts";

export const routeFamilies: readonly RouteFamily[] = [booking, events, unsubscribe, instantly, smartlead, heyreach, calendly, calcom];
