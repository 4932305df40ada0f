--------------------------------------------------------------------------------
-- Campaign KPIs against the PRD's targets (seed 000, §10; outreach.kpi_targets).
--
--   The window    messages whose sent_at is in [sent_from, sent_before); what
--                 happened to them counts when it happened before sent_before, so
--                 a past window always gives the same answer.
--   Counts        per message (a message counts once however many events it got):
--                   delivered     delivered, opened, clicked or replied (proof of delivery)
--                   bounced       bounced_at set
--                   opened        opened or clicked (a click implies an open)
--                   clicked       clicked_at set
--                   replied       replied_at set
--                   unsubscribed  an unsubscribe event
--   Rates         count / sent, rounded to 4 places for display (0.0512 = 5.12 %).
--                 With nothing sent, every rate and every met flag is NULL.
--   Met           compared exactly on the counts (bounced < 0.05 × sent, opened >
--                 0.20 × sent, replied > 0.03 × sent), so a boundary is never
--                 decided by rounding: exactly 5 % bounced is missed, exactly 20 %
--                 opened is missed, exactly 3 % replied is missed.
--   Rows          every campaign (zero sends included), a 'no campaign' row when
--                 messages without a campaign were sent (imported history), and
--                 one overall row (is_total) over every message sent in the window.
--------------------------------------------------------------------------------

drop view if exists outreach.v_campaign_metrics;
drop view if exists outreach.v_channel_metrics;

-- The row type grew (channel, appended): drop the old one first.
do $$
begin
  if exists (select 1 from pg_catalog.pg_proc p
              where p.oid = 'outreach.campaign_metrics(timestamptz, timestamptz)'::regprocedure
                and not ('channel' = any (p.proargnames))) then
    drop function outreach.campaign_metrics(timestamptz, timestamptz);
  end if;
exception when undefined_function then null;
end
$$;

create or replace function outreach.kpi_met(hits bigint, sent bigint, target numeric, comparison text)
returns boolean
language sql
immutable
parallel safe
as $$
  -- Compared exactly on the counts (hits against target × sent), so a boundary is never
  -- decided by rounding; NULL with nothing sent.
  select case when kpi_met.sent > 0 then
           case kpi_met.comparison
             when '<'  then kpi_met.hits <  kpi_met.target * kpi_met.sent
             when '<=' then kpi_met.hits <= kpi_met.target * kpi_met.sent
             when '>'  then kpi_met.hits >  kpi_met.target * kpi_met.sent
             when '>=' then kpi_met.hits >= kpi_met.target * kpi_met.sent
           end
         end
$$;
comment on function outreach.kpi_met(bigint, bigint, numeric, text) is
  'Whether a rate KPI meets its target: hits compared with target × sent by the comparison of outreach.kpi_targets (<, <=, >, >=), exactly; NULL when nothing was sent.';

create or replace function outreach.campaign_metrics(sent_from timestamptz, sent_before timestamptz)
returns table (
  campaign_id       uuid,
  campaign_name     text,
  campaign_status   text,
  is_total          boolean,
  window_start      timestamptz,
  window_end        timestamptz,
  sent              bigint,
  delivered         bigint,
  delivered_rate    numeric,
  bounced           bigint,
  bounce_rate       numeric,
  bounce_target     numeric,
  bounce_met        boolean,
  opened            bigint,
  open_rate         numeric,
  open_target       numeric,
  open_met          boolean,
  clicked           bigint,
  click_rate        numeric,
  replied           bigint,
  reply_rate        numeric,
  reply_target      numeric,
  reply_met         boolean,
  unsubscribed      bigint,
  unsubscribe_rate  numeric,
  channel           text
)
language sql
stable
as $$
  with counts as (
    select l.campaign_id, grouping(l.campaign_id) = 1 as is_total,
           count(*) as sent,
           count(*) filter (where least(l.delivered_at, l.opened_at, l.clicked_at, l.replied_at)
                                  < campaign_metrics.sent_before) as delivered,
           count(*) filter (where l.bounced_at < campaign_metrics.sent_before) as bounced,
           count(*) filter (where least(l.opened_at, l.clicked_at) < campaign_metrics.sent_before) as opened,
           count(*) filter (where l.clicked_at < campaign_metrics.sent_before) as clicked,
           count(*) filter (where l.replied_at < campaign_metrics.sent_before) as replied,
           count(*) filter (where l.send_id in (select e.send_id from outreach.engagement_events e
                                                 where e.event_type = 'unsubscribe'
                                                   and e.event_ts < campaign_metrics.sent_before)) as unsubscribed
      from outreach.send_log l
     where l.sent_at >= campaign_metrics.sent_from
       and l.sent_at < campaign_metrics.sent_before
     group by grouping sets ((l.campaign_id), ())
  ),
  targets as (
    select max(t.target) filter (where t.kpi = 'bounce_rate') as bounce_target,
           max(t.comparison) filter (where t.kpi = 'bounce_rate') as bounce_cmp,
           max(t.target) filter (where t.kpi = 'open_rate') as open_target,
           max(t.comparison) filter (where t.kpi = 'open_rate') as open_cmp,
           max(t.target) filter (where t.kpi = 'reply_rate') as reply_target,
           max(t.comparison) filter (where t.kpi = 'reply_rate') as reply_cmp
      from outreach.kpi_targets t
  ),
  scopes as (
    select c.campaign_id, c.campaign_name, c.campaign_status, false as is_total, 1 as pos, c.channel
      from outreach.campaigns c
    union all
    select null, 'no campaign', null, false, 2, null
     where exists (select 1 from counts n where n.campaign_id is null and not n.is_total)
    union all
    select null, 'all campaigns', null, true, 3, null
  )
  select k.campaign_id, k.campaign_name, k.campaign_status, k.is_total,
         campaign_metrics.sent_from, campaign_metrics.sent_before,
         n.sent,
         n.delivered, round(n.delivered::numeric / nullif(n.sent, 0), 4),
         n.bounced, round(n.bounced::numeric / nullif(n.sent, 0), 4), t.bounce_target,
         outreach.kpi_met(n.bounced, n.sent, t.bounce_target, t.bounce_cmp),
         n.opened, round(n.opened::numeric / nullif(n.sent, 0), 4), t.open_target,
         outreach.kpi_met(n.opened, n.sent, t.open_target, t.open_cmp),
         n.clicked, round(n.clicked::numeric / nullif(n.sent, 0), 4),
         n.replied, round(n.replied::numeric / nullif(n.sent, 0), 4), t.reply_target,
         outreach.kpi_met(n.replied, n.sent, t.reply_target, t.reply_cmp),
         n.unsubscribed, round(n.unsubscribed::numeric / nullif(n.sent, 0), 4),
         k.channel
    from scopes k
    cross join targets t
    cross join lateral (
      select coalesce(max(x.sent), 0) as sent, coalesce(max(x.delivered), 0) as delivered,
             coalesce(max(x.bounced), 0) as bounced, coalesce(max(x.opened), 0) as opened,
             coalesce(max(x.clicked), 0) as clicked, coalesce(max(x.replied), 0) as replied,
             coalesce(max(x.unsubscribed), 0) as unsubscribed
        from counts x
       where x.is_total = k.is_total and x.campaign_id is not distinct from k.campaign_id
    ) n
   -- One-time filters: 22004 / 22023 for an unusable window bound.
   where outreach.checked_time(campaign_metrics.sent_from, 'sent_from') is not null
     and outreach.checked_time(campaign_metrics.sent_before, 'sent_before') is not null
   order by k.pos, k.campaign_name, k.campaign_id
$$;
comment on function outreach.campaign_metrics(timestamptz, timestamptz) is
  'Per campaign and overall, for the messages sent in [sent_from, sent_before): sent, delivered, bounce, open, click, reply and unsubscribe counts and rates (over sent; events before sent_before), the PRD targets (bounce < 5 %, open > 20 %, reply > 3 %) and whether each is met, compared exactly; rates and flags NULL when nothing was sent. channel (appended) is the campaign''s channel (email or linkedin; NULL on the no-campaign and overall rows): a LinkedIn campaign''s delivered is its accepted connection requests, and it has no opens or bounces (see channel_metrics).';

create view outreach.v_campaign_metrics as
  select * from outreach.campaign_metrics(now() - interval '720 hours', now());
comment on view outreach.v_campaign_metrics is
  'campaign_metrics over the last 30 days: messages sent in [now() - 30 × 24 h, now()), with what happened to them so far.';

create or replace function outreach.channel_metrics(sent_from timestamptz, sent_before timestamptz)
returns table (
  channel           text,
  window_start      timestamptz,
  window_end        timestamptz,
  sent              bigint,
  delivered         bigint,
  delivered_rate    numeric,
  bounced           bigint,
  bounce_rate       numeric,
  bounce_target     numeric,
  bounce_met        boolean,
  opened            bigint,
  open_rate         numeric,
  open_target       numeric,
  open_met          boolean,
  replied           bigint,
  reply_rate        numeric,
  reply_target      numeric,
  reply_met         boolean,
  unsubscribed      bigint,
  connects_sent     bigint,
  connects_accepted bigint,
  acceptance_rate   numeric,
  messages_sent     bigint
)
language sql
stable
as $$
  -- One row per channel (email, linkedin; zero sends included) over the messages sent in
  -- [sent_from, sent_before), as campaign_metrics counts them. Email: the PRD's bounce,
  -- open and reply targets. LinkedIn: a send is an enrolment's first touch (the connection
  -- request); delivered = accepted; no opens, bounces or unsubscribes exist there, so those
  -- are NULL; the reply target applies to both; messages_sent counts the LinkedIn messages
  -- (later-step sends, and linkedin_message_sent events) on those enrolments.
  with counts as (
    select l.channel,
           count(*) as sent,
           count(*) filter (where least(l.delivered_at, l.opened_at, l.clicked_at, l.replied_at)
                                  < channel_metrics.sent_before) as delivered,
           count(*) filter (where l.bounced_at < channel_metrics.sent_before) as bounced,
           count(*) filter (where least(l.opened_at, l.clicked_at) < channel_metrics.sent_before) as opened,
           count(*) filter (where l.replied_at < channel_metrics.sent_before) as replied,
           count(*) filter (where l.send_id in (select e.send_id from outreach.engagement_events e
                                                 where e.event_type = 'unsubscribe'
                                                   and e.event_ts < channel_metrics.sent_before)) as unsubscribed,
           count(*) filter (where l.sequence_step = 1) as connects,
           count(*) filter (where l.sequence_step = 1
                              and least(l.delivered_at, l.replied_at) < channel_metrics.sent_before) as accepted,
           count(*) filter (where l.sequence_step > 1) as later_steps,
           coalesce(sum((select count(*) from outreach.engagement_events e
                          where e.send_id = l.send_id and e.event_type = 'linkedin_message_sent'
                            and e.event_ts < channel_metrics.sent_before))
                    filter (where l.channel = 'linkedin'), 0) as message_events
      from outreach.send_log l
     where l.sent_at >= channel_metrics.sent_from
       and l.sent_at < channel_metrics.sent_before
     group by l.channel
  ),
  targets as (
    select max(t.target) filter (where t.kpi = 'bounce_rate') as bounce_target,
           max(t.comparison) filter (where t.kpi = 'bounce_rate') as bounce_cmp,
           max(t.target) filter (where t.kpi = 'open_rate') as open_target,
           max(t.comparison) filter (where t.kpi = 'open_rate') as open_cmp,
           max(t.target) filter (where t.kpi = 'reply_rate') as reply_target,
           max(t.comparison) filter (where t.kpi = 'reply_rate') as reply_cmp
      from outreach.kpi_targets t
  )
  select ch.channel, channel_metrics.sent_from, channel_metrics.sent_before,
         coalesce(n.sent, 0),
         coalesce(n.delivered, 0), round(n.delivered::numeric / nullif(n.sent, 0), 4),
         case when ch.email then coalesce(n.bounced, 0) end,
         case when ch.email then round(n.bounced::numeric / nullif(n.sent, 0), 4) end,
         case when ch.email then t.bounce_target end,
         case when ch.email then outreach.kpi_met(n.bounced, n.sent, t.bounce_target, t.bounce_cmp) end,
         case when ch.email then coalesce(n.opened, 0) end,
         case when ch.email then round(n.opened::numeric / nullif(n.sent, 0), 4) end,
         case when ch.email then t.open_target end,
         case when ch.email then outreach.kpi_met(n.opened, n.sent, t.open_target, t.open_cmp) end,
         coalesce(n.replied, 0), round(n.replied::numeric / nullif(n.sent, 0), 4), t.reply_target,
         outreach.kpi_met(n.replied, n.sent, t.reply_target, t.reply_cmp),
         case when ch.email then coalesce(n.unsubscribed, 0) end,
         case when not ch.email then coalesce(n.connects, 0) end,
         case when not ch.email then coalesce(n.accepted, 0) end,
         case when not ch.email then round(n.accepted::numeric / nullif(n.connects, 0), 4) end,
         case when not ch.email then coalesce(n.later_steps, 0) + coalesce(n.message_events, 0) end
    from (values ('email', true, 1), ('linkedin', false, 2)) as ch(channel, email, pos)
    cross join targets t
    left join counts n on n.channel = ch.channel
   -- One-time filters: 22004 / 22023 for an unusable window bound.
   where outreach.checked_time(channel_metrics.sent_from, 'sent_from') is not null
     and outreach.checked_time(channel_metrics.sent_before, 'sent_before') is not null
   order by ch.pos
$$;
comment on function outreach.channel_metrics(timestamptz, timestamptz) is
  'Per channel (email, linkedin; a row each even with nothing sent), for the messages sent in [sent_from, sent_before): sent, delivered, replies and the reply target for both; bounce, open and unsubscribe counts, rates and targets for email (NULL for LinkedIn, which has none); connection requests sent and accepted, acceptance rate and messages sent for LinkedIn (NULL for email). Targets met compared exactly; rates and flags NULL when nothing was sent.';

create view outreach.v_channel_metrics as
  select * from outreach.channel_metrics(now() - interval '720 hours', now());
comment on view outreach.v_channel_metrics is
  'channel_metrics over the last 30 days: messages sent in [now() - 30 × 24 h, now()), per channel.';
