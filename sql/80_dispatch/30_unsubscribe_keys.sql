--------------------------------------------------------------------------------
-- Unsubscribe signing keys (outreach_private.unsubscribe_keys): generation,
-- rotation, retirement. The calendar keys' design (sql/50_handoff/10_calendar_keys.sql)
-- with one difference: an unsubscribe token never expires and a retired key still
-- verifies the tokens it signed (an opt-out must keep working years later; the worst
-- a forged token could do is opt someone out). Retiring a key only stops it signing.
--
--   * The newest unretired key signs; every key verifies the tokens naming it.
--   * Secrets are 32 random bytes from pgcrypto, generated inside the database (at
--     migrate time when no unretired key exists); no hub role can read them.
--   * Key ids are `YYYYMMDDTHHMMSSZ-xxxxxx`: sortable, unique, URL-safe.
--------------------------------------------------------------------------------

create or replace function outreach_private.new_unsubscribe_key()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  made text;
begin
  insert into outreach_private.unsubscribe_keys (kid, secret, created_at)
  values (to_char(clock_timestamp() at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"')
            || '-' || encode(public.gen_random_bytes(3), 'hex'),
          public.gen_random_bytes(32),
          clock_timestamp())
  returning kid into made;
  return made;
end
$$;
comment on function outreach_private.new_unsubscribe_key() is
  'Adds an unsubscribe signing key (32 random bytes, URL-safe key id) that becomes the signing key; returns its kid.';

create or replace function outreach_private.ensure_unsubscribe_key()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  signing text;
begin
  lock table outreach_private.unsubscribe_keys in share row exclusive mode;
  select k.kid into signing
    from outreach_private.unsubscribe_keys k
   where k.retired_at is null
   order by k.created_at desc, k.kid desc
   limit 1;
  if signing is null then
    signing := outreach_private.new_unsubscribe_key();
  end if;
  return signing;
end
$$;
comment on function outreach_private.ensure_unsubscribe_key() is
  'Generates an unsubscribe signing key when no unretired key exists (run at every migrate); returns the kid of the signing key.';

create or replace function outreach.rotate_unsubscribe_key()
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  lock table outreach_private.unsubscribe_keys in share row exclusive mode;
  return outreach_private.new_unsubscribe_key();
end
$$;
comment on function outreach.rotate_unsubscribe_key() is
  'Adds a new unsubscribe signing key and returns its kid: new tokens are signed with it; tokens signed by older keys keep verifying, retired or not.';

create or replace function outreach.retire_unsubscribe_key(kid text)
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
  lock table outreach_private.unsubscribe_keys in share row exclusive mode;
  select k.retired_at into retired
    from outreach_private.unsubscribe_keys k
   where k.kid = retire_unsubscribe_key.kid;
  if not found then
    raise exception 'unsubscribe key % does not exist', retire_unsubscribe_key.kid
      using errcode = 'OR009',
            hint = 'List the key ids with: select kid, created_at, retired_at from outreach_private.unsubscribe_keys;';
  end if;
  if retired is not null then
    return retired;
  end if;
  select count(*) into active from outreach_private.unsubscribe_keys k where k.retired_at is null;
  if active <= 1 then
    raise exception 'unsubscribe key % is the only active key and cannot be retired', retire_unsubscribe_key.kid
      using errcode = 'OR009', hint = 'Run select outreach.rotate_unsubscribe_key(); first.';
  end if;
  update outreach_private.unsubscribe_keys k
     set retired_at = now()
   where k.kid = retire_unsubscribe_key.kid
  returning k.retired_at into retired;
  return retired;
end
$$;
comment on function outreach.retire_unsubscribe_key(text) is
  'Stops an unsubscribe key signing new tokens (the tokens it signed keep verifying) and returns when; idempotent; OR009 for an unknown kid or the last active key.';

-- Migrate time: make sure a signing key exists (generated here, never in the repository).
select outreach_private.ensure_unsubscribe_key();
