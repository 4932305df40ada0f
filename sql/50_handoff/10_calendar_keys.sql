--------------------------------------------------------------------------------
-- Calendar signing keys (outreach_private.calendar_keys): generation, rotation,
-- retirement.
--
--   * The newest unretired key signs new links; every unretired key verifies.
--   * Rotation: outreach.rotate_calendar_key() adds a key that signs from now on;
--     links signed by the older keys keep verifying until the operator retires
--     them with outreach.retire_calendar_key(kid) (wait one calendar_ttl plus the
--     booking webhook's retry window first).
--   * Retiring is immediate and absolute: a retired key verifies nothing, even
--     for a booking made before it was retired (retire a leaked key at once).
--   * Secrets are 32 random bytes from pgcrypto, generated inside the database
--     (at migrate time when no unretired key exists); they never leave it and no
--     hub role can read them.
--   * Key ids are `YYYYMMDDTHHMMSSZ-xxxxxx` (UTC creation time and 3 random
--     bytes in hex): sortable, unique, URL-safe.
--------------------------------------------------------------------------------

create or replace function outreach_private.new_calendar_key()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  made text;
begin
  insert into outreach_private.calendar_keys (kid, secret, created_at)
  values (to_char(clock_timestamp() at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"')
            || '-' || encode(public.gen_random_bytes(3), 'hex'),
          public.gen_random_bytes(32),
          clock_timestamp())
  returning kid into made;
  return made;
end
$$;
comment on function outreach_private.new_calendar_key() is
  'Adds a calendar signing key (32 random bytes, URL-safe key id) that becomes the signing key; returns its kid.';

create or replace function outreach_private.ensure_calendar_key()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  signing text;
begin
  -- Two migrations at once must not both add a key.
  lock table outreach_private.calendar_keys in share row exclusive mode;
  select k.kid into signing
    from outreach_private.calendar_keys k
   where k.retired_at is null
   order by k.created_at desc, k.kid desc
   limit 1;
  if signing is null then
    signing := outreach_private.new_calendar_key();
  end if;
  return signing;
end
$$;
comment on function outreach_private.ensure_calendar_key() is
  'Generates a calendar signing key when no unretired key exists (run at every migrate); returns the kid of the signing key.';

create or replace function outreach.rotate_calendar_key()
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  lock table outreach_private.calendar_keys in share row exclusive mode;
  return outreach_private.new_calendar_key();
end
$$;
comment on function outreach.rotate_calendar_key() is
  'Adds a new calendar signing key and returns its kid: new links are signed with it, links signed by older unretired keys still verify until those are retired.';

create or replace function outreach.retire_calendar_key(kid text)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  retired timestamptz;
  active  int;
begin
  lock table outreach_private.calendar_keys in share row exclusive mode;
  select k.retired_at into retired
    from outreach_private.calendar_keys k
   where k.kid = retire_calendar_key.kid;
  if not found then
    raise exception 'calendar key % does not exist', retire_calendar_key.kid
      using errcode = 'OR009',
            hint = 'List the key ids with: select kid, created_at, retired_at from outreach_private.calendar_keys;';
  end if;
  if retired is not null then
    return retired;  -- already retired: nothing changes
  end if;
  select count(*) into active
    from outreach_private.calendar_keys k
   where k.retired_at is null;
  if active <= 1 then
    raise exception 'calendar key % is the only active key and cannot be retired', retire_calendar_key.kid
      using errcode = 'OR009',
            hint = 'Run select outreach.rotate_calendar_key(); first, then retire the old key once its links have expired.';
  end if;
  update outreach_private.calendar_keys k
     set retired_at = now()
   where k.kid = retire_calendar_key.kid
  returning k.retired_at into retired;
  return retired;
end
$$;
comment on function outreach.retire_calendar_key(text) is
  'Retires a calendar key at once (links it signed no longer verify) and returns when; idempotent; OR009 for an unknown kid or the last active key.';

-- Migrate time: make sure a signing key exists. The secret is generated here,
-- inside the database, and is never part of the repository.
select outreach_private.ensure_calendar_key();
