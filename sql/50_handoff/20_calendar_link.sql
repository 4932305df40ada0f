--------------------------------------------------------------------------------
-- Signed calendar links.
--
--   <calendar_base_url>?sid=<sovereign_company_id>&oid=<outreach_id>&exp=<unix s>&kid=<key id>&sig=<hex>
--   (settings.calendar_provider calendly: ?utm_content=<token>, calcom:
--   ?metadata%5Bhub%5D=<token>, the same five values packed by calendar_token)
--
--   sig = lower-case hex of HMAC-SHA256(key, '<sid>|<oid>|<exp>'), uuids in their
--   canonical lower-case text form, exp in whole unix seconds.
--   exp = floor(epoch(as_of) + epoch(calendar_ttl)): exact elapsed time, the
--   same in every session TimeZone and across DST.
--   A link is valid while as_of < exp and expired from exp on (half-open, as a
--   JWT `exp` and as cooling-off's "eligible again exactly at").
--
-- Verification order: unknown_outreach (sid/oid do not name one spine row) →
-- bad_signature (no unretired key produces sig; a forged link never reports
-- `expired`) → expired → valid. kid is informational: every unretired key is
-- tried, so verify_calendar_link does not take it.
--------------------------------------------------------------------------------

create or replace function outreach_private.calendar_signature(sid uuid, oid uuid, exp bigint, secret bytea)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select encode(public.hmac(convert_to(sid::text || '|' || oid::text || '|' || exp::text, 'UTF8'),
                            secret, 'sha256'), 'hex');
$$;
comment on function outreach_private.calendar_signature(uuid, uuid, bigint, bytea) is
  'Lower-case hex HMAC-SHA256 over ''sid|oid|exp'' with the given key secret.';

create or replace function outreach.calendar_link(outreach_id uuid, as_of timestamptz default now())
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  sid    uuid;
  base   text;
  ttl    interval;
  k      record;
  exp    bigint;
  query  text;
  frag   text;
  provider text;
begin
  if as_of is null then
    raise exception 'as_of must not be NULL'
      using errcode = '22023', hint = 'Omit as_of to use now().';
  end if;
  select o.sovereign_company_id into sid
    from outreach.outreach o
   where o.outreach_id = calendar_link.outreach_id;
  if sid is null then
    raise exception 'outreach record % does not exist', calendar_link.outreach_id
      using errcode = 'OR008',
            hint = 'Calendar links are made for existing outreach records (outreach.outreach).';
  end if;
  select s.calendar_base_url, s.calendar_ttl, s.calendar_provider into base, ttl, provider from outreach.settings s;
  select c.kid, c.secret into k
    from outreach_private.calendar_keys c
   where c.retired_at is null
   order by c.created_at desc, c.kid desc
   limit 1;
  if k.kid is null then
    raise exception 'no active calendar signing key'
      using errcode = 'OR009',
            hint = 'Run select outreach.rotate_calendar_key(); to create one.';
  end if;

  exp := floor(extract(epoch from as_of) + extract(epoch from ttl))::bigint;
  -- Booking pages that pass one value through a booking get the packed token
  -- (sql/85_providers/10_calendar_token.sql); the generic link has five parameters.
  query := case provider
             when 'calendly' then 'utm_content=' || outreach.calendar_token(calendar_link.outreach_id, as_of)
             when 'calcom' then 'metadata%5Bhub%5D=' || outreach.calendar_token(calendar_link.outreach_id, as_of)
           end;
  query := coalesce(query, format('sid=%s&oid=%s&exp=%s&kid=%s&sig=%s',
                  sid, calendar_link.outreach_id, exp, k.kid,
                  outreach_private.calendar_signature(sid, calendar_link.outreach_id, exp, k.secret)));

  -- The query string goes before a fragment, after an existing query.
  frag := coalesce(substring(base from '#.*$'), '');
  base := split_part(base, '#', 1);
  return base
         || case when base ~ '[?&]$' then '' when strpos(base, '?') > 0 then '&' else '?' end
         || query || frag;
end
$$;
comment on function outreach.calendar_link(uuid, timestamptz) is
  'Signed booking link for an outreach record: calendar_base_url with sid, oid, exp (as_of + calendar_ttl, unix seconds), kid and sig (hex HMAC-SHA256 over sid|oid|exp); for settings.calendar_provider calendly the same packed into ?utm_content=<calendar_token>, for calcom into ?metadata%5Bhub%5D=<calendar_token>; OR008 unknown record, OR009 no active key.';

create or replace function outreach.verify_calendar_link(
  sid uuid,
  oid uuid,
  exp bigint,
  sig text,
  as_of timestamptz default now()
)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if as_of is null then
    raise exception 'as_of must not be NULL'
      using errcode = '22023', hint = 'Omit as_of to use now().';
  end if;
  if sid is null or oid is null
     or not exists (select 1 from outreach.outreach o
                     where o.outreach_id = verify_calendar_link.oid
                       and o.sovereign_company_id = verify_calendar_link.sid) then
    return 'unknown_outreach';
  end if;
  if exp is null or sig is null or sig !~ '^[0-9A-Fa-f]{64}$'
     or not exists (select 1 from outreach_private.calendar_keys k
                     where k.retired_at is null
                       and outreach_private.calendar_signature(verify_calendar_link.sid, verify_calendar_link.oid,
                                                               verify_calendar_link.exp, k.secret)
                           = lower(verify_calendar_link.sig)) then
    return 'bad_signature';
  end if;
  if extract(epoch from as_of) >= exp then
    return 'expired';
  end if;
  return 'valid';
end
$$;
comment on function outreach.verify_calendar_link(uuid, uuid, bigint, text, timestamptz) is
  'Checks a calendar link as of a time: unknown_outreach (sid/oid name no spine row together), bad_signature (no unretired key signed it), expired (as_of >= exp) or valid.';
