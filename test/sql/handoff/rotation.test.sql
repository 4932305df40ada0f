-- Issue 6 / SPEC §5: rotation. A new key signs; older unretired keys still verify
-- until retired; a retired key verifies nothing; the last active key cannot be retired.
begin;
select plan(16);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select kid as k1 from outreach_private.calendar_keys where retired_at is null \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as old_link \gset
select pg_temp.param(:'old_link', 'sid') as sid, pg_temp.param(:'old_link', 'exp') as exp,
       pg_temp.param(:'old_link', 'sig') as old_sig \gset

select outreach.rotate_calendar_key() as k2 \gset
select isnt(:'k2'::text, :'k1'::text, 'rotate_calendar_key returns the id of a new key');
select outreach.calendar_link(:'oid', pg_temp.t0()) as new_link \gset
select pg_temp.param(:'new_link', 'sig') as new_sig \gset
select is(pg_temp.param(:'new_link', 'kid'), :'k2'::text, 'new links name the new key');
select isnt(:'new_sig'::text, :'old_sig'::text, 'and are signed with it (same message, different signature)');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'new_sig', pg_temp.t0()), 'valid',
          'a link signed with the new key verifies');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'old_sig', pg_temp.t0()), 'valid',
          'a link signed with the old key still verifies until the old key is retired');

select outreach.rotate_calendar_key() as k3 \gset
select is(pg_temp.param(outreach.calendar_link(:'oid', pg_temp.t0()), 'kid'), :'k3'::text,
          'two rotations in one transaction: the newest key signs');

select isnt(outreach.retire_calendar_key(:'k1'), null, 'retire_calendar_key returns when the key was retired');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'old_sig', pg_temp.t0()), 'bad_signature',
          'a link signed with a retired key no longer verifies');
select throws_ok(format('select outreach.record_meeting_booked(%L, %L, %s, %L, %L, gen_random_uuid())',
                        :'sid', :'oid', :exp, :'old_sig', pg_temp.t0() + interval '1 hour'),
                 'OR006', null, 'and cannot hand a record off, even for a booking made before the retirement');
select is(outreach.verify_calendar_link(:'sid', :'oid', :exp, :'new_sig', pg_temp.t0()), 'valid',
          'links signed with the remaining keys still verify');
select is(outreach.retire_calendar_key(:'k1'),
          (select retired_at from outreach_private.calendar_keys where kid = :'k1'),
          'retiring a retired key again changes nothing');

select lives_ok(format('select outreach.retire_calendar_key(%L)', :'k2'), 'an older key may be retired while a newer one signs');
select throws_ok(format('select outreach.retire_calendar_key(%L)', :'k3'), 'OR009', null,
                 'the last active key cannot be retired (OR009)');
select throws_ok($$select outreach.retire_calendar_key('no-such-key')$$, 'OR009', null, 'an unknown key id is OR009');
select is((select array_agg(kid) from outreach_private.calendar_keys where retired_at is null), array[:'k3'::text],
          'the newest key is the one left active');

update outreach_private.calendar_keys set retired_at = now() where retired_at is null;
select throws_ok(format('select outreach.calendar_link(%L)', :'oid'), 'OR009', null,
                 'with no active key (retired by hand) calendar_link refuses with OR009');

select * from finish();
rollback;
