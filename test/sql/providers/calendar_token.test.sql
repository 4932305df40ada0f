-- SPEC §11.5: calendar_token packs calendar_link's sid, oid, exp, kid and sig into
-- one URL-safe token that round-trips; any change to it fails verification; the
-- link for Calendly carries it in utm_content, for Cal.com in metadata[hub], and
-- the generic link keeps its five parameters.
begin;
select plan(20);
\ir ../fixtures.sql
\ir ../handoff/_helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select outreach.calendar_token(:'oid', pg_temp.t0()) as token \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as generic \gset

select ok(:'token' ~ '^[A-Za-z0-9_-]+$', 'the token is URL-safe base64 (no padding, no + or /)');
select cmp_ok(length(:'token'), '<', 200, 'the token is short enough for a UTM value');
select is((select row(p.sid, p.oid, p.exp, p.kid, p.sig)::text from outreach.calendar_token_parts(:'token') p),
          row(pg_temp.param(:'generic', 'sid')::uuid, :'oid'::uuid, pg_temp.param(:'generic', 'exp')::bigint,
              pg_temp.param(:'generic', 'kid'), pg_temp.param(:'generic', 'sig'))::text,
          'the token unpacks to the sid, oid, exp, kid and sig of the generic link');
select is(outreach.verify_calendar_token(:'token', pg_temp.t0()), 'valid', 'a fresh token verifies');
select is(outreach.verify_calendar_token(:'token', '2025-03-11 11:59:59+00'), 'valid', 'valid one second before exp');
select is(outreach.verify_calendar_token(:'token', '2025-03-11 12:00:00+00'), 'expired', 'expired from exp on');

-- Tampering: flip one character in each region of the token.
create function pg_temp.flip(t text, pos int) returns text language sql immutable as $$
  select overlay(t placing case when substr(t, pos, 1) = 'A' then 'B' else 'A' end from pos for 1)
$$;
select is(outreach.verify_calendar_token(pg_temp.flip(:'token', 3), pg_temp.t0()), 'unknown_outreach', 'a changed sid names no record');
select is(outreach.verify_calendar_token(pg_temp.flip(:'token', 48), pg_temp.t0()), 'bad_signature', 'a changed exp fails the signature');
select is(outreach.verify_calendar_token(pg_temp.flip(:'token', 70), pg_temp.t0()), 'bad_signature', 'a changed signature fails');
select is(outreach.verify_calendar_token(left(:'token', 60), pg_temp.t0()), 'malformed', 'a truncated token is malformed');
select is(outreach.verify_calendar_token('not a token!', pg_temp.t0()), 'malformed', 'garbage is malformed');
select is(outreach.verify_calendar_token(null, pg_temp.t0()), 'malformed', 'no token is malformed');
select is(outreach.verify_calendar_token(pg_temp.flip(:'token', 2), pg_temp.t0()), 'malformed', 'another format version is malformed');

-- Links per provider.
update outreach.settings set calendar_base_url = 'https://calendly.com/acme/intro?utm_source=hub#top', calendar_provider = 'calendly';
select is(outreach.calendar_link(:'oid', pg_temp.t0()),
          'https://calendly.com/acme/intro?utm_source=hub&utm_content=' || :'token' || '#top',
          'calendly: the token in utm_content, after the existing query, before the fragment');
update outreach.settings set calendar_base_url = 'https://cal.com/acme/intro', calendar_provider = 'calcom';
select is(outreach.calendar_link(:'oid', pg_temp.t0()),
          'https://cal.com/acme/intro?metadata%5Bhub%5D=' || :'token',
          'calcom: the token in metadata[hub] (brackets percent-encoded)');
update outreach.settings set calendar_base_url = 'https://book.example.com/meet', calendar_provider = 'generic';
select is(outreach.calendar_link(:'oid', pg_temp.t0()), :'generic', 'generic: the link is unchanged');

select throws_ok($$update outreach.settings set calendar_provider = 'zoom'$$, '23514', null,
                 'an unknown calendar provider is refused');
select throws_ok(format('select outreach.calendar_token(%L)', gen_random_uuid()), 'OR008', null,
                 'a token for an unknown record is OR008');

-- A rotated key: old tokens verify until the old key is retired.
select kid as old_kid from outreach_private.calendar_keys where retired_at is null order by created_at desc limit 1 \gset
select outreach.rotate_calendar_key() as new_kid \gset
select is(outreach.verify_calendar_token(:'token', pg_temp.t0()), 'valid', 'a token of the previous key still verifies');
select outreach.retire_calendar_key(:'old_kid');
select is(outreach.verify_calendar_token(:'token', pg_temp.t0()), 'bad_signature', 'a token of a retired key does not');

select * from finish();
rollback;
