/**
 * The senders the runner can run, one module each. A sender that is configured in
 * the environment takes part in every dispatch cycle; one that is not leaves its
 * campaigns' sends queued for a runner that is.
 *
 * `queue` is not here: external processes claim its sends through SQL themselves.
 * A provider (instantly, smartlead, heyreach) plugs in as one more module under
 * src/senders/ exporting a SenderModule, added to this list.
 */
import type { Sender, SenderModule } from "./sender.ts";
import { smtpSender } from "./smtp.ts";

export const senderModules: readonly SenderModule[] = [smtpSender];

/** The senders configured in env (throws on configuration that is present but invalid). */
export function configuredSenders(env: NodeJS.ProcessEnv = process.env, modules: readonly SenderModule[] = senderModules): Sender[] {
  const senders: Sender[] = [];
  for (const m of modules) {
    const s = m.fromEnv(env);
    if (s) senders.push(s);
  }
  return senders;
}

export type { Delivery, Sender, SenderModule } from "./sender.ts";
