--------------------------------------------------------------------------------
-- Calendar tokens (SPEC §11.5): the signed sid, oid, exp, kid, sig of a calendar
-- link packed into one URL-safe token, for booking pages that pass only one value
-- through a booking (Calendly: utm_content; Cal.com: metadata[hub]).
--
--   token = base64url, unpadded, of the bytes
--             0x01                  format version
--             sid                   16 bytes (uuid)
--             oid                   16 bytes (uuid)
--             exp                    8 bytes (bigint, big-endian, unix seconds)
--             sig                   32 bytes (the HMAC-SHA256 of calendar_link)
--             kid                   the rest (UTF-8; informational, as in calendar_link)
--   about 127 characters with today's key ids.
--
-- The signature is calendar_link's (HMAC-SHA256 over 'sid|oid|exp' with the
-- signing key) and is checked by verify_calendar_link: one rule for both forms.
--------------------------------------------------------------------------------

create or replace function outreach.calendar_token(outreach_id uuid, as_of timestamptz default now())
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  sid  uuid;
  ttl  interval;
  k    record;
  exp  bigint;
begin
  if as_of is null then
    raise exception 'as_of must not be NULL'
      using errcode = '22023', hint = 'Omit as_of to use now().';
  end if;
  select o.sovereign_company_id into sid
    from outreach.outreach o
   where o.outreach_id = calendar_token.outreach_id;
  if sid is null then
    raise exception 'outreach record % does not exist', calendar_token.outreach_id
      using errcode = 'OR008',
            hint = 'Calendar tokens are made for existing outreach records (outreach.outreach).';
  end if;
  select s.calendar_ttl into ttl from outreach.settings s;
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
  return translate(encode('\x01'::bytea
                            || uuid_send(sid)
                            || uuid_send(calendar_token.outreach_id)
                            || int8send(exp)
                            || decode(outreach_private.calendar_signature(sid, calendar_token.outreach_id, exp, k.secret), 'hex')
                            || convert_to(k.kid, 'UTF8'),
                          'base64'),
                   E'+/=\n', '-_');
end
$$;
comment on function outreach.calendar_token(uuid, timestamptz) is
  'The signed sid, oid, exp (as_of + calendar_ttl), kid and sig of calendar_link packed into one URL-safe token (unpadded base64url of version 1, sid, oid, exp, sig, kid); OR008 unknown record, OR009 no active key.';

create or replace function outreach.calendar_token_parts(token text)
returns table (sid uuid, oid uuid, exp bigint, kid text, sig text)
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  b64 text;
  raw bytea;
begin
  -- Anything that is not a well-formed version-1 token yields no row.
  if token is null or token !~ '^[A-Za-z0-9_-]+$' or length(token) % 4 = 1 or length(token) > 400 then
    return;
  end if;
  b64 := translate(token, '-_', '+/');
  b64 := b64 || repeat('=', (4 - length(b64) % 4) % 4);
  raw := decode(b64, 'base64');
  if length(raw) < 73 or get_byte(raw, 0) <> 1 then
    return;
  end if;
  sid := encode(substring(raw from 2 for 16), 'hex')::uuid;
  oid := encode(substring(raw from 18 for 16), 'hex')::uuid;
  exp := ('x' || encode(substring(raw from 34 for 8), 'hex'))::bit(64)::bigint;
  sig := encode(substring(raw from 42 for 32), 'hex');
  kid := convert_from(substring(raw from 74), 'UTF8');
  return next;
exception
  when invalid_parameter_value or character_not_in_repertoire or untranslatable_character then
    return;  -- not base64, or a kid that is not UTF-8: not a token
end
$$;
comment on function outreach.calendar_token_parts(text) is
  'Unpacks a calendar token into sid, oid, exp, kid and sig (hex); no row for anything that is not a well-formed version-1 token. Verifies nothing: see verify_calendar_token.';

create or replace function outreach.verify_calendar_token(token text, as_of timestamptz default now())
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(
           (select outreach.verify_calendar_link(p.sid, p.oid, p.exp, p.sig, verify_calendar_token.as_of)
              from outreach.calendar_token_parts(verify_calendar_token.token) p),
           'malformed');
$$;
comment on function outreach.verify_calendar_token(text, timestamptz) is
  'Checks a calendar token as of a time: malformed (missing or not a token), or what verify_calendar_link says of its parts (unknown_outreach, bad_signature, expired, valid).';
