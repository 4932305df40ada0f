-- SPEC §10.5 one-click unsubscribe: a signed, URL-safe token naming the send; the
-- unsubscribe applies every effect of the event and suppresses the address; a second
-- call changes nothing; a bad or forged token is OR031 with nothing written; tokens
-- keep verifying after their key is retired.
begin;
select plan(17);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql

select pg_temp.eng_campaign() as c \gset
select pg_temp.eng_send(:'c', status => 'sent', sent_at => '2030-01-07 15:00Z') as s \gset
select pg_temp.eng_send(:'c', status => 'sent', sent_at => '2030-01-07 15:00Z') as other \gset
update outreach.settings set unsubscribe_base_url = 'https://hub.example.com/u/';

select outreach.unsubscribe_url(:'s') as url \gset
select substr(:'url', length('https://hub.example.com/u/') + 1) as token \gset
select ok(:'url' like 'https://hub.example.com/u/%' and strpos(:'url', '/u//') = 0, '<unsubscribe_base_url>/<token>');
select ok(:'token' ~ '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$', 'the token is URL-safe: kid.send.signature');
select is(outreach.verify_unsubscribe_token(:'token'), :'s'::uuid, 'it names the send');

-- Forged tokens: nothing written.
create temp table before as select (select count(*) from outreach.engagement_events) as events, (select count(*) from outreach.suppressions) as sups;
select split_part(:'token', '.', 1) as kid, split_part(:'token', '.', 2) as snd, split_part(:'token', '.', 3) as sig \gset
select split_part(outreach.unsubscribe_url(:'other'), '/u/', 2) as other_token \gset
select throws_ok(format('select outreach.unsubscribe(%L)', :'kid' || '.' || split_part(:'other_token', '.', 2) || '.' || :'sig'), 'OR031', null,
                 'a signature moved to another send is refused (OR031)');
select throws_ok(format('select outreach.unsubscribe(%L)', :'kid' || '.' || :'snd' || '.' || translate(:'sig', 'ABCDEFGHabcdefgh', 'BCDEFGHAbcdefgha')), 'OR031', null,
                 'a tampered signature is refused');
select throws_ok(format('select outreach.unsubscribe(%L)', 'nokey.' || :'snd' || '.' || :'sig'), 'OR031', null, 'an unknown key id is refused');
select throws_ok($$select outreach.unsubscribe('garbage')$$, 'OR031', null, 'garbage is refused');
select throws_ok($$select outreach.unsubscribe(null)$$, 'OR031', null, 'NULL is refused');
select is((select (count(*), (select count(*) from outreach.suppressions)) from outreach.engagement_events),
          (select (events, sups) from before), 'nothing was written');
select is(outreach.verify_unsubscribe_token(:'kid' || '.' || :'snd' || '.' || translate(:'sig', 'ABCDEFGHabcdefgh', 'BCDEFGHAbcdefgha')), null,
          'verify_unsubscribe_token says NULL for a forged token');

-- The real one.
select is(outreach.unsubscribe(:'token', gen_random_uuid(), '2030-01-08 09:00Z'), :'s'::uuid, 'unsubscribe returns the send id');
select is((select (event_type, source_system, event_ts) from outreach.engagement_events where send_id = :'s' and event_type = 'unsubscribe'),
          ('unsubscribe'::text, 'one_click'::text, '2030-01-08 09:00Z'::timestamptz), 'an unsubscribe event from one_click');
select is((select (p.email_status, t.target_status) from outreach.send_log l join outreach.people p using (person_id)
             join outreach.company_target t on t.target_id = l.target_id where l.send_id = :'s'),
          ('unsubscribed'::text, 'opted_out'::text), 'with all its effects: person unsubscribed, target opted out');
select ok(outreach.is_suppressed((select email_to from outreach.send_log where send_id = :'s')), 'and the address suppressed');
select is(outreach.unsubscribe(:'token', null, '2030-01-09 09:00Z'), :'s'::uuid, 'a second call returns the same send');
select is((select count(*)::int from outreach.engagement_events where send_id = :'s'), 1, 'and changes nothing (still one event)');

-- Rotation: new tokens use the new key; old tokens verify after their key is retired.
select outreach.rotate_unsubscribe_key() as new_kid \gset
select outreach.retire_unsubscribe_key(:'kid');
select ok(split_part(split_part(outreach.unsubscribe_url(:'other'), '/u/', 2), '.', 1) = :'new_kid'
          and outreach.verify_unsubscribe_token(:'other_token') = :'other'::uuid,
          'after rotation new tokens name the new key, and a token of the retired key still verifies');

select * from finish();
rollback;
