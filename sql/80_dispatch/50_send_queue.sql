--------------------------------------------------------------------------------
-- What may be handed to a sender now (SPEC §10.2).
--
-- A queued send is takeable at as_of when: status queued, not stopped,
-- scheduled_at <= as_of, not leased (no lease, or lease_until <= as_of), not
-- handed over, past its retry_after, an address (email_to, or linkedin_url for a
-- linkedin send), its person neither bounced nor unsubscribed, the address not
-- suppressed, target not opted out or paused, record not handed off, campaign
-- active, no halting switch, inside its send window — and, when its lease expired,
-- attempts left (a send whose lease expired max_send_attempts times is failed by
-- claim_sends instead).
--
-- due_sends(as_of) is every one of those rules but suppression, as one inlinable
-- statement: suppression is checked after the oldest rows are picked (claim_sends
-- cancels a suppressed send instead of handing it over) or, for the view, per row.
--------------------------------------------------------------------------------

drop view if exists outreach.v_send_queue;

create or replace function outreach.due_sends(as_of timestamptz default now())
returns table (send_id uuid, campaign_id uuid, sender text, scheduled_at timestamptz, channel text,
               address text, first_claimed_at timestamptz)
language sql
stable
as $$
  select l.send_id, l.campaign_id, c.sender, l.scheduled_at, l.channel,
         case l.channel when 'linkedin' then l.linkedin_url else l.email_to end,
         l.first_claimed_at
    from outreach.send_log l
    cross join (select s.default_timezone, s.max_send_attempts from outreach.settings s limit 1) s
    join outreach.campaigns c on c.campaign_id = l.campaign_id
    join outreach.company_target t on t.target_id = l.target_id
    join outreach.outreach o on o.outreach_id = l.outreach_id
    left join outreach.sequences q on q.sequence_id = l.sequence_id
    left join outreach.people p on p.person_id = l.person_id
   where l.send_status = 'queued'
     and l.handed_over_at is null
     and l.stopped_at is null
     and l.scheduled_at <= due_sends.as_of
     and (l.lease_until is null or l.lease_until <= due_sends.as_of)
     and (l.claim_token is null or l.lease_until is null or l.attempt < s.max_send_attempts)
     and (l.retry_after is null or l.retry_after <= due_sends.as_of)
     and nullif(btrim(case l.channel when 'linkedin' then l.linkedin_url else l.email_to end), '') is not null
     -- a bounce makes an address unusable, not a profile; an opt-out holds on every channel
     and coalesce(p.email_status, 'unverified') not in (case l.channel when 'linkedin' then 'unsubscribed' else 'bounced' end, 'unsubscribed')
     and t.target_status not in ('opted_out', 'paused')
     and o.status <> 'HANDED_OFF'
     and c.campaign_status = 'active'
     and outreach.in_send_window(due_sends.as_of, coalesce(t.timezone, s.default_timezone), c.send_days,
                                 c.send_window_start, c.send_window_end,
                                 coalesce(q.send_time_preference, 'business_hours'))
     and not outreach.sending_halted(due_sends.as_of)
     -- the LinkedIn caps' switches pause connection requests (step 1) or messages (later steps)
     and not (l.channel = 'linkedin'
              and (case when l.sequence_step = 1 then 'linkedin_weekly_connect_cap' else 'linkedin_daily_message_cap' end)
                  = any (outreach.halted_switches(due_sends.as_of)))
$$;
comment on function outreach.due_sends(timestamptz) is
  'Queued sends a sender may take at as_of by every rule but suppression (status queued, due, not stopped, not leased, not handed over, past retry_after, attempts left, usable address, target and record open, campaign active, no halt — for a LinkedIn send, its LinkedIn cap switch not in force either —, inside the send window), with the campaign''s sender. Inlinable; claim_sends and v_send_queue add the suppression check.';

create or replace view outreach.v_send_queue
with (security_invoker = true)
as
select l.send_id,
       l.outreach_id,
       l.sovereign_company_id,
       l.target_id,
       l.campaign_id,
       l.sequence_id,
       l.enrolment_id,
       l.sequence_step,
       l.person_id,
       l.email_to,
       l.subject,
       l.proof_line,
       l.scheduled_at,
       l.correlation_id,
       l.channel,
       l.linkedin_url,
       l.attempt
  from outreach.due_sends(now()) d
  join outreach.send_log l on l.send_id = d.send_id
 where d.sender = 'queue'
   and not outreach.is_suppressed(d.address)
 order by l.scheduled_at, l.send_id;
comment on view outreach.v_send_queue is
  'The takeable sends of queue campaigns now (due, not stopped, leased or handed over, usable and unsuppressed address, target and record open, campaign active, inside the send window, no halt), oldest first. Read-only: a sender takes them with outreach.claim_sends(…, ''queue'', …).';
