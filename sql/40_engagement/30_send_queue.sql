--------------------------------------------------------------------------------
-- v_send_queue: what the external sender (Instantly, HeyReach) may take now.
--------------------------------------------------------------------------------

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
       l.correlation_id
  from outreach.send_log l
  join outreach.outreach o on o.outreach_id = l.outreach_id
  join outreach.company_target t on t.target_id = l.target_id
  left join outreach.campaigns c on c.campaign_id = l.campaign_id
  left join outreach.people p on p.person_id = l.person_id
 where l.send_status = 'queued'
   and l.scheduled_at <= now()
   and l.stopped_at is null
   and nullif(btrim(l.email_to), '') is not null
   and coalesce(p.email_status, 'unverified') not in ('bounced', 'unsubscribed')
   and t.target_status not in ('opted_out', 'paused')
   and o.status <> 'HANDED_OFF'
   and (l.campaign_id is null or c.campaign_status = 'active')
   and not outreach.sending_halted(now())
 order by l.scheduled_at, l.send_id;
comment on view outreach.v_send_queue is
  'Queued sends the external sender may take now (scheduled_at <= now(), not stopped, usable email, target not opted out or paused, not handed off, campaign active), oldest first; empty while a kill switch halts sending.';
