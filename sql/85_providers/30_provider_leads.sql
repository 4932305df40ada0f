--------------------------------------------------------------------------------
-- provider_leads (SPEC §11.1): which enrolment a provider's lead is.
--
--   provider_lead_key(address)   the key a lead is known by: a LinkedIn profile
--                                URL normalised (https, lower case, no www., no
--                                query or fragment, no trailing slash), anything
--                                else (an email) trimmed and lower-cased.
--   ack_provider_push(send_id, claim_token, provider_lead_id, pushed_at)
--                                the runner's one call after a provider accepted
--                                a pushed enrolment: ack_send (same fencing, OR030)
--                                and the provider_leads row, in one transaction.
--                                provider, provider_campaign_id, lead_key and
--                                enrolment_id come from the send and its campaign,
--                                so the map cannot disagree with the log. A lead
--                                pushed again into the same provider campaign (a
--                                later enrolment of the same address) points at
--                                the newest enrolment. An enrolment stopped while
--                                its push was in flight gets its stop_lead at once.
--------------------------------------------------------------------------------

create or replace function outreach.provider_lead_key(address text)
returns text
language sql
immutable
parallel safe
as $$
  select case
           when provider_lead_key.address ~* '^\s*(https?://)?([a-z0-9-]+\.)*linkedin\.com/' then
             regexp_replace(
               regexp_replace(
                 split_part(split_part(lower(btrim(provider_lead_key.address)), '?', 1), '#', 1),
                 '^(https?://)?(www\.)?', 'https://'),
               '/+$', '')
           else nullif(lower(btrim(provider_lead_key.address)), '')
         end
$$;
comment on function outreach.provider_lead_key(text) is
  'The key a provider lead is known by: a LinkedIn profile URL as https://linkedin.com/... in lower case without www., query, fragment or trailing slash; an email trimmed and lower-cased; NULL for blank.';

create or replace function outreach.ack_provider_push(
  send_id uuid,
  claim_token uuid,
  provider_lead_id text default null,
  pushed_at timestamptz default now()
)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  s      record;
  acked  boolean;
  key    text;
begin
  if ack_provider_push.pushed_at is null then
    raise exception 'pushed_at must not be NULL (send %)', ack_provider_push.send_id
      using errcode = '22023', hint = 'Omit pushed_at to use now().';
  end if;
  select l.send_id, l.enrolment_id, l.channel, l.email_to, l.linkedin_url,
         coalesce(l.claim_correlation_id, l.correlation_id::uuid) as correlation_id,
         c.sender, c.provider_campaign_id
    into s
    from outreach.send_log l
    left join outreach.campaigns c on c.campaign_id = l.campaign_id
   where l.send_id = ack_provider_push.send_id;
  if not found then
    raise exception 'send % is unknown', ack_provider_push.send_id
      using errcode = 'OR020', hint = 'Pass the send_id claim_sends returned.';
  end if;
  if s.sender is null or s.sender not in ('instantly', 'smartlead', 'heyreach') then
    raise exception 'send % is not of a provider campaign (sender %)', ack_provider_push.send_id, coalesce(s.sender, 'none')
      using errcode = '22023', hint = 'Use ack_send for sends the runner or a queue sender delivers itself.';
  end if;

  -- The hand-over first: a stale token (OR030) writes nothing.
  acked := outreach.ack_send(ack_provider_push.send_id, ack_provider_push.claim_token,
                             ack_provider_push.provider_lead_id, null);

  key := outreach.provider_lead_key(case when s.channel = 'linkedin' then s.linkedin_url else s.email_to end);
  if key is null then
    raise exception 'send % has no address to key its provider lead by', ack_provider_push.send_id
      using errcode = '22023', hint = 'A provider send needs email_to (email) or linkedin_url (linkedin).';
  end if;

  insert into outreach.provider_leads as pl
         (provider, provider_campaign_id, lead_key, enrolment_id, send_id, provider_lead_id, pushed_at, correlation_id)
  values (s.sender, s.provider_campaign_id, key, s.enrolment_id, s.send_id, ack_provider_push.provider_lead_id,
          ack_provider_push.pushed_at, s.correlation_id)
  on conflict (provider, provider_campaign_id, lead_key) do update
     set enrolment_id     = excluded.enrolment_id,
         send_id          = excluded.send_id,
         provider_lead_id = coalesce(excluded.provider_lead_id, pl.provider_lead_id),
         pushed_at        = case when pl.enrolment_id = excluded.enrolment_id then pl.pushed_at else excluded.pushed_at end,
         correlation_id   = case when pl.enrolment_id = excluded.enrolment_id then pl.correlation_id else excluded.correlation_id end,
         updated_at       = now();

  -- Stopped while the push was in flight: the provider must stop it too.
  perform outreach_private.append_stop_leads(array[s.enrolment_id]);
  return acked;
end
$$;
comment on function outreach.ack_provider_push(uuid, uuid, text, timestamptz) is
  'The runner reports that a provider accepted a pushed enrolment: ack_send (OR030 for a stale token) plus the outreach.provider_leads row (provider, campaign, lead key and enrolment taken from the send), in one transaction; a stop_lead is appended if the enrolment stopped meanwhile. Returns ack_send''s result (false for a repeat). OR020 unknown send, 22023 not a provider campaign or no address.';
