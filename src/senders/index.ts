/**
 * The senders the runner can run, one module each. A sender that is configured in
 * the environment takes part in every dispatch cycle; one that is not leaves its
 * campaigns' sends queued for a runner that is.
 *
 * `queue` is not here: external processes claim its sends through SQL themselves.
 * The providers (instantly, smartlead, heyreach) are batch senders under
 * src/senders/io/, each on when its <PROVIDER>_API_KEY is set.
 */
import type { AnySender, SenderModule } from "./sender.ts";
import { smtpSender } from "./smtp.ts";
import { heyreachSender } from "./io/heyreach.ts";
import { instantlySender } from "./io/instantly.ts";
import { smartleadSender } from "./io/smartlead.ts";

export const senderModules: readonly SenderModule[] = [smtpSender, instantlySender, smartleadSender, heyreachSender];

/** The senders configured in env (throws on configuration that is present but invalid). */
export function configuredSenders(env: NodeJS.ProcessEnv = process.env, modules: readonly SenderModule[] = senderModules): AnySender[] {
  const senders: AnySender[] = [];
  for (const m of modules) {
    const s = m.fromEnv(env);
    if (s) senders.push(s);
  }
  return senders;
}

export type { AnySender, BatchSender, Delivery, Sender, SenderModule } from "./sender.ts";
