--------------------------------------------------------------------------------
-- Draining provider_outbox (SPEC §11.4): the claim / ack / release discipline of
-- claim_sends (SPEC §10.2), for outbox items.
--
-- An item is takeable at as_of when it is pending, of that provider, not leased
-- (no lease, or lease_until <= as_of), past its retry_after, and — for
-- pause_campaign / resume_campaign — no older pending pause or resume of the same
-- provider campaign exists (they are handed out one at a time in append order, so a
-- resume can never overtake its pause). Kill switches do not hold the outbox back:
-- a pause must go out precisely while sending is halted.
--
--   claim_outbox     leases up to max_rows takeable items, oldest (seq) first,
--                    `for update skip locked`; a new claim_token (fencing token)
--                    each time; attempt + 1. An item whose lease expired
--                    max_send_attempts times is failed (and recorded) instead.
--   ack_outbox       the holder reports the provider call done: status done. A
--                    repeat with the same token changes nothing and returns false;
--                    an ack after the lease expired is accepted while nobody else
--                    claimed the item (the call went through).
--   release_outbox   the holder gives the item back with its error (recorded in
--                    outreach_errors with the item's correlation id): permanent, or
--                    the max_send_attempts-th attempt, fails it; otherwise it is
--                    takeable again from retry_after (default 2^attempt minutes).
-- A token that is not the item's current claim is OR030, nothing written; lease
-- outside 10 s – 24 h, unknown provider, max_rows < 1: 22023.
--------------------------------------------------------------------------------

create or replace function outreach.claim_outbox(
  correlation_id uuid,
  provider text,
  max_rows int default 100,
  lease interval default '5 minutes',
  as_of timestamptz default now()
)
returns table (outbox_id uuid, claim_token uuid, lease_until timestamptz, attempt int, kind text,
               provider_campaign_id text, lead_key text, provider_lead_id text,
               enrolment_id uuid, payload jsonb, item_correlation_id uuid)
language plpgsql
volatile
security definer
set search_path = ''
set plan_cache_mode = force_custom_plan  -- plans fit the values of each call, never a generic one cached from the sixth
as $$
#variable_conflict use_column
declare
  max_attempts int;
begin
  perform outreach.check_correlation_id(claim_outbox.correlation_id);
  if claim_outbox.provider is null or claim_outbox.provider not in ('instantly', 'smartlead', 'heyreach') then
    raise exception 'provider % is unknown', coalesce(claim_outbox.provider, 'NULL')
      using errcode = '22023', hint = 'Pass instantly, smartlead or heyreach.';
  end if;
  if claim_outbox.lease is null
     or extract(epoch from claim_outbox.lease) < 10 or extract(epoch from claim_outbox.lease) > 86400 then
    raise exception 'lease % is outside 10 seconds to 24 hours', claim_outbox.lease
      using errcode = '22023', hint = 'Pass a lease the provider call fits in, e.g. ''5 minutes''.';
  end if;
  if claim_outbox.max_rows is null or claim_outbox.max_rows < 1 then
    raise exception 'max_rows % must be at least 1', claim_outbox.max_rows
      using errcode = '22023', hint = 'Omit max_rows to claim up to 100 items.';
  end if;
  if claim_outbox.as_of is null then
    raise exception 'as_of must not be NULL'
      using errcode = '22023', hint = 'Omit as_of to use now().';
  end if;
  select s.max_send_attempts into max_attempts from outreach.settings s;

  -- Leases that expired on their last attempt: the item has failed.
  with exhausted as (
    select b.outbox_id
      from outreach.provider_outbox b
     where b.provider = claim_outbox.provider
       and b.status = 'pending'
       and b.claim_token is not null
       and b.lease_until <= claim_outbox.as_of
       and b.attempt >= max_attempts
       for update of b skip locked
  ), failed as (
    update outreach.provider_outbox b
       set status      = 'failed',
           done_at     = claim_outbox.as_of,
           lease_until = null,
           error       = format('lease expired on attempt %s of %s', b.attempt, max_attempts)
      from exhausted x
     where b.outbox_id = x.outbox_id
    returning b.outbox_id, b.kind, b.provider, b.attempt, b.correlation_id, b.error
  )
  insert into outreach.outreach_errors (correlation_id, source, sqlstate, message, detail)
  select f.correlation_id, 'outreach.claim_outbox', null,
         format('%s %s item %s failed: %s', f.provider, f.kind, f.outbox_id, f.error),
         jsonb_build_object('outbox_id', f.outbox_id, 'kind', f.kind, 'provider', f.provider, 'attempt', f.attempt)
    from failed f;

  return query
    with takeable as (
      select b.outbox_id
        from outreach.provider_outbox b
       where b.provider = claim_outbox.provider
         and b.status = 'pending'
         and (b.lease_until is null or b.lease_until <= claim_outbox.as_of)
         and (b.retry_after is null or b.retry_after <= claim_outbox.as_of)
         and b.attempt < max_attempts
         and (b.kind not in ('pause_campaign', 'resume_campaign')
              or not exists (select 1
                               from outreach.provider_outbox e
                              where e.provider = b.provider
                                and e.provider_campaign_id = b.provider_campaign_id
                                and e.kind in ('pause_campaign', 'resume_campaign')
                                and e.status = 'pending'
                                and e.seq < b.seq))
       order by b.seq
       limit claim_outbox.max_rows
         for update of b skip locked
    ), claimed as (
      update outreach.provider_outbox b
         set claim_token          = gen_random_uuid(),
             claim_correlation_id = claim_outbox.correlation_id,
             claimed_at           = claim_outbox.as_of,
             lease_until          = claim_outbox.as_of + claim_outbox.lease,
             attempt              = b.attempt + 1,
             retry_after          = null
        from takeable t
       where b.outbox_id = t.outbox_id
      returning b.*
    )
    select c.outbox_id, c.claim_token, c.lease_until, c.attempt, c.kind, c.provider_campaign_id,
           c.lead_key, c.provider_lead_id, c.enrolment_id, c.payload, c.correlation_id::uuid
      from claimed c
     order by c.seq;
end
$$;
comment on function outreach.claim_outbox(uuid, text, int, interval, timestamptz) is
  'Leases up to max_rows takeable provider_outbox items of a provider, oldest first (for update skip locked; pause/resume of one campaign one at a time, in order), each with a new claim_token; fails items whose lease expired max_send_attempts times. 22023 bad provider, lease (10 s – 24 h) or max_rows; OR004 bad correlation id.';

create or replace function outreach.ack_outbox(outbox_id uuid, claim_token uuid)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  item record;
begin
  select b.outbox_id, b.status, b.claim_token into item
    from outreach.provider_outbox b
   where b.outbox_id = ack_outbox.outbox_id
     for update;
  if not found or item.claim_token is null or ack_outbox.claim_token is null
     or item.claim_token <> ack_outbox.claim_token then
    raise exception 'claim token % is not the current claim of outbox item %', ack_outbox.claim_token, ack_outbox.outbox_id
      using errcode = 'OR030',
            detail = case when not found then 'no such outbox item' else 'the item was released, or claimed again since' end,
            hint = 'Only the holder of the current claim may acknowledge; claim the item again.';
  end if;
  if item.status = 'done' then
    return false;  -- a repeated ack
  end if;
  update outreach.provider_outbox b
     set status      = 'done',
         done_at     = now(),
         lease_until = null
   where b.outbox_id = ack_outbox.outbox_id;
  return true;
end
$$;
comment on function outreach.ack_outbox(uuid, uuid) is
  'The holder of the claim reports the provider call done: the item is done (true); a repeat with the same token returns false and changes nothing. OR030 when the token is not the item''s current claim.';

create or replace function outreach.release_outbox(
  outbox_id uuid,
  claim_token uuid,
  error text,
  permanent boolean default false,
  retry_after timestamptz default null
)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  item         record;
  max_attempts int;
  gives_up     boolean;
begin
  select b.outbox_id, b.status, b.claim_token, b.attempt, b.kind, b.provider, b.correlation_id into item
    from outreach.provider_outbox b
   where b.outbox_id = release_outbox.outbox_id
     for update;
  if not found or item.status <> 'pending' or item.claim_token is null or release_outbox.claim_token is null
     or item.claim_token <> release_outbox.claim_token then
    raise exception 'claim token % is not the current claim of outbox item %', release_outbox.claim_token, release_outbox.outbox_id
      using errcode = 'OR030',
            detail = case when not found then 'no such outbox item'
                          when item.status <> 'pending' then format('the item is %s', item.status)
                          else 'the item was released, or claimed again since' end,
            hint = 'Only the holder of the current claim may release; nothing was written.';
  end if;
  if nullif(btrim(release_outbox.error), '') is null then
    raise exception 'releasing outbox item % needs the error', release_outbox.outbox_id
      using errcode = '22023', hint = 'Pass what went wrong (the provider''s status and message).';
  end if;
  select s.max_send_attempts into max_attempts from outreach.settings s;
  gives_up := coalesce(release_outbox.permanent, false) or item.attempt >= max_attempts;

  perform outreach.record_error(
    item.correlation_id, 'outreach.release_outbox',
    format('%s %s item %s: %s', item.provider, item.kind, item.outbox_id, release_outbox.error), null,
    jsonb_build_object('outbox_id', item.outbox_id, 'kind', item.kind, 'provider', item.provider,
                       'attempt', item.attempt, 'permanent', coalesce(release_outbox.permanent, false),
                       'failed', gives_up));

  update outreach.provider_outbox b
     set status      = case when gives_up then 'failed' else 'pending' end,
         done_at     = case when gives_up then now() end,
         claim_token = case when gives_up then b.claim_token end,
         lease_until = null,
         retry_after = case when gives_up then null
                            else coalesce(release_outbox.retry_after,
                                          now() + make_interval(mins => power(2, least(b.attempt, 20))::int))
                       end,
         error       = release_outbox.error
   where b.outbox_id = release_outbox.outbox_id;
end
$$;
comment on function outreach.release_outbox(uuid, uuid, text, boolean, timestamptz) is
  'The holder gives an outbox item back with its error (recorded in outreach_errors): permanent or on the max_send_attempts-th attempt the item fails, otherwise it is takeable again from retry_after (default 2^attempt minutes from now). OR030 when the token is not the item''s current claim; 22023 without an error.';
