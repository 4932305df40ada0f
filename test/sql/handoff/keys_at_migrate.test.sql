-- Issue 6: migrate generates a signing key when none is active; never a second one.
begin;
select plan(8);
\ir ../fixtures.sql

select is((select count(*)::int from outreach_private.calendar_keys where retired_at is null), 1,
          'after migrate exactly one active signing key exists');
select is((select length(secret) from outreach_private.calendar_keys where retired_at is null), 32,
          'the secret is 32 random bytes');
select matches((select kid from outreach_private.calendar_keys where retired_at is null),
               '^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$', 'the key id is a sortable, URL-safe UTC stamp plus random hex');

select kid as first_kid from outreach_private.calendar_keys where retired_at is null \gset
select is(outreach_private.ensure_calendar_key(), :'first_kid',
          'the migrate-time step returns the existing signing key');
select is((select count(*)::int from outreach_private.calendar_keys), 1,
          're-running the migrate-time step adds no key');

-- Every key retired (by hand, as the owner): the next migrate makes a fresh one.
update outreach_private.calendar_keys set retired_at = now();
select isnt(outreach_private.ensure_calendar_key(), :'first_kid',
            'with no active key the migrate-time step generates a new one');
select is((select count(*)::int from outreach_private.calendar_keys where retired_at is null), 1,
          'and exactly one');
select is((select count(distinct secret)::int from outreach_private.calendar_keys), 2,
          'the new key has a secret of its own');

select * from finish();
rollback;
