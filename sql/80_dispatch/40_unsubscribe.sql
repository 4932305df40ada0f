--------------------------------------------------------------------------------
-- One-click unsubscribe (SPEC §10.5, RFC 8058).
--
--   token = <kid> "." <send> "." <sig>
--     kid   the signing key's id ([A-Za-z0-9_-])
--     send  the send id's 16 bytes, base64url without padding (22 characters)
--     sig   HMAC-SHA256(key, 'unsubscribe|<kid>|<send id>'), base64url (43 characters)
--   URL   = <settings.unsubscribe_base_url>/<token>
--
-- URL-safe as it stands (RFC 4648 §5 alphabet and dots). No expiry: an opt-out keeps
-- working, and a token verifies with its key retired too. The comparison of
-- signatures is on the whole decoded value, inside the database.
--------------------------------------------------------------------------------

create or replace function outreach_private.base64url(data bytea)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select rtrim(translate(encode(data, 'base64'), E'+/\n', '-_'), '=');
$$;
comment on function outreach_private.base64url(bytea) is 'base64url (RFC 4648 §5) without padding or line breaks.';

create or replace function outreach_private.base64url_decode(data text)
returns bytea
language plpgsql
immutable
strict
parallel safe
set search_path = ''
as $$
begin
  if data !~ '^[A-Za-z0-9_-]*$' or length(data) % 4 = 1 then
    return null;
  end if;
  return decode(translate(data, '-_', '+/') || repeat('=', (4 - length(data) % 4) % 4), 'base64');
exception
  when invalid_parameter_value or invalid_text_representation then
    return null;
end
$$;
comment on function outreach_private.base64url_decode(text) is 'Decodes unpadded base64url; NULL when the text is not base64url.';

create or replace function outreach_private.unsubscribe_signature(kid text, send_id uuid, secret bytea)
returns bytea
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select public.hmac(convert_to('unsubscribe|' || kid || '|' || send_id::text, 'UTF8'), secret, 'sha256');
$$;
comment on function outreach_private.unsubscribe_signature(text, uuid, bytea) is
  'HMAC-SHA256 over ''unsubscribe|<kid>|<send id>'' with the key''s secret.';

create or replace function outreach_private.unsubscribe_token(send_id uuid)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  k record;
begin
  select c.kid, c.secret into k
    from outreach_private.unsubscribe_keys c
   where c.retired_at is null
   order by c.created_at desc, c.kid desc
   limit 1;
  if k.kid is null then
    raise exception 'no active unsubscribe signing key'
      using errcode = 'OR009', hint = 'Run select outreach.rotate_unsubscribe_key(); to create one.';
  end if;
  return k.kid || '.' || outreach_private.base64url(decode(replace(send_id::text, '-', ''), 'hex'))
         || '.' || outreach_private.base64url(outreach_private.unsubscribe_signature(k.kid, send_id, k.secret));
end
$$;
comment on function outreach_private.unsubscribe_token(uuid) is
  'The signed one-click unsubscribe token of a send, with the current signing key.';

create or replace function outreach.unsubscribe_url(send_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from outreach.send_log l where l.send_id = unsubscribe_url.send_id) then
    raise exception 'send % is unknown', unsubscribe_url.send_id
      using errcode = 'OR020', hint = 'Pass the send_id of a row of outreach.send_log.';
  end if;
  return rtrim((select s.unsubscribe_base_url from outreach.settings s), '/')
         || '/' || outreach_private.unsubscribe_token(unsubscribe_url.send_id);
end
$$;
comment on function outreach.unsubscribe_url(uuid) is
  'The one-click unsubscribe URL of a send: <settings.unsubscribe_base_url>/<token>, the token naming the send, signed (HMAC-SHA256, key id inside), never expiring. OR020 unknown send, OR009 no signing key.';

create or replace function outreach.verify_unsubscribe_token(token text)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  parts text[] := string_to_array(btrim(verify_unsubscribe_token.token), '.');
  raw_send bytea;
  raw_sig bytea;
  sid uuid;
  secret bytea;
begin
  if cardinality(parts) is distinct from 3 or parts[1] !~ '^[A-Za-z0-9_-]+$' then
    return null;
  end if;
  raw_send := outreach_private.base64url_decode(parts[2]);
  raw_sig := outreach_private.base64url_decode(parts[3]);
  if length(raw_send) is distinct from 16 or length(raw_sig) is distinct from 32 then
    return null;
  end if;
  sid := encode(raw_send, 'hex')::uuid;
  -- Retired keys verify too: a token never stops opting its recipient out.
  select k.secret into secret from outreach_private.unsubscribe_keys k where k.kid = parts[1];
  if secret is null or outreach_private.unsubscribe_signature(parts[1], sid, secret) <> raw_sig then
    return null;
  end if;
  if not exists (select 1 from outreach.send_log l where l.send_id = sid) then
    return null;
  end if;
  return sid;
end
$$;
comment on function outreach.verify_unsubscribe_token(text) is
  'The send a one-click unsubscribe token names when its signature verifies (with its key, retired or not) and the send exists; NULL otherwise. Writes nothing (the receiver''s GET page and 404s).';

create or replace function outreach.unsubscribe(token text, correlation_id uuid default null, as_of timestamptz default now())
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  sid uuid := outreach.verify_unsubscribe_token(unsubscribe.token);
begin
  if sid is null then
    raise exception 'unsubscribe token is not valid'
      using errcode = 'OR031',
            detail = format('token %s', left(coalesce(unsubscribe.token, 'NULL'), 120)),
            hint = 'The token must come from outreach.unsubscribe_url() unchanged; nothing was recorded.';
  end if;
  if unsubscribe.correlation_id is not null then
    perform outreach.check_correlation_id(unsubscribe.correlation_id);
  end if;
  if unsubscribe.as_of is null then
    raise exception 'as_of must not be NULL' using errcode = '22004', hint = 'Omit it to mean now().';
  end if;
  -- One one-click opt-out per send, however often the link is posted.
  -- (The enrolment's rows, in the order record_events locks them.)
  perform outreach_private.lock_enrolment_of(sid);
  if exists (select 1 from outreach.engagement_events e
              where e.send_id = sid and e.event_type = 'unsubscribe' and e.source_system = 'one_click') then
    return sid;
  end if;
  -- The event applies every effect of an unsubscribe (stop, person, target opted out)
  -- and, through its trigger, suppresses the address.
  perform outreach.record_event(sid, 'unsubscribe', unsubscribe.as_of, 'one_click',
                                jsonb_build_object('method', 'one_click', 'rfc', '8058'),
                                unsubscribe.correlation_id);
  return sid;
end
$$;
comment on function outreach.unsubscribe(text, uuid, timestamptz) is
  'One-click unsubscribe: verifies the token and records an unsubscribe event of its send at as_of (source_system one_click) with all its effects, the address added to the suppressions; returns the send id. A second call changes nothing. OR031 bad or forged token (nothing written); OR004 bad correlation id.';
