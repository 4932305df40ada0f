-- claim_sends and LinkedIn suppression: suppression patterns are addresses and domains,
-- so a LinkedIn send is suppressed through its person (the person's email suppressed,
-- or the person unsubscribed) and through the company's domain; a bounced email does
-- not make a profile unusable. A suppressed send is cancelled, never handed over.
begin;
select plan(8);
\ir ../fixtures.sql
\ir ../engagement/_fixtures.sql
\ir ../dispatch/_fixtures.sql

select pg_temp.d_campaign('heyreach', 2, 'any', 'hr-supp') as camp \gset
create temp table li as
  select row_number() over () as n, s.send_id
    from (select pg_temp.d_send(:'camp') as send_id from generate_series(1, 4)) s;
update outreach.send_log set channel = 'linkedin', email_to = null,
                             linkedin_url = 'https://linkedin.com/in/s-' || substr(send_id::text, 1, 8)
 where send_id in (select send_id from li);
create function pg_temp.li(k int) returns uuid language sql stable as $$ select send_id from li where n = k $$;
create function pg_temp.person_email(k int) returns text language sql stable as $$
  select p.email from outreach.people p join outreach.send_log l on l.person_id = p.person_id where l.send_id = pg_temp.li(k)
$$;

-- 1: the person's email is suppressed; 2: the company's domain is; 3: the email bounced; 4: clean.
select outreach.suppress(pg_temp.person_email(1), 'asked us to stop', 'manual', gen_random_uuid());
select outreach.suppress(split_part(pg_temp.person_email(2), '@', 2), 'whole company out', 'manual', gen_random_uuid());
update outreach.people set email_status = 'bounced'
 where person_id = (select person_id from outreach.send_log where send_id = pg_temp.li(3));

create temp table claimed as
  select c.send_id from outreach.claim_sends(gen_random_uuid(), 'heyreach', 100, '5 minutes', '2030-01-07 15:00Z') c;

select is((select send_status from outreach.send_log where send_id = pg_temp.li(1)), 'cancelled',
          'a profile whose person''s email is suppressed: cancelled');
select is((select stop_reason from outreach.send_log where send_id = pg_temp.li(1)), 'suppressed', '… as suppressed');
select is((select send_status from outreach.send_log where send_id = pg_temp.li(2)), 'cancelled',
          'a profile at a suppressed company domain: cancelled');
select ok(pg_temp.li(3) in (select send_id from claimed), 'a bounced email does not stop the LinkedIn send');
select ok(pg_temp.li(4) in (select send_id from claimed), 'a clean profile is handed over');
select is((select count(*)::int from claimed), 2, 'exactly those two');

-- An unsubscribed person is opted out on every channel: not even takeable.
select pg_temp.d_send(:'camp') as five \gset
update outreach.send_log set channel = 'linkedin', email_to = null, linkedin_url = 'https://linkedin.com/in/five' where send_id = :'five';
update outreach.people set email_status = 'unsubscribed'
 where person_id = (select person_id from outreach.send_log where send_id = :'five');
select is((select count(*)::int from outreach.due_sends('2030-01-07 15:10Z') where send_id = :'five'), 0,
          'an unsubscribed person''s LinkedIn send is not takeable');
select is((select count(*)::int from outreach.claim_sends(gen_random_uuid(), 'heyreach', 100, '5 minutes', '2030-01-07 15:10Z') c
            where c.send_id = :'five'), 0, 'nor claimed (the expired leases of the others are claimed again)');

select * from finish();
rollback;
