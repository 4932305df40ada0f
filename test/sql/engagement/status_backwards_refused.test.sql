-- A send's status only moves up (queued < sent < delivered < opened < clicked <
-- bounced = failed < replied; cancelled never moves), for every writer and every
-- role, the owner in replica mode included: a plain UPDATE that moves it back is
-- OR025 and changes nothing. record_event(s) keeps working.
begin;
select plan(10);
\ir ../fixtures.sql
\ir _fixtures.sql

select pg_temp.eng_send(null, 'opened', now() - interval '1 day') as s \gset
select pg_temp.eng_send(null, 'cancelled') as c \gset

select throws_ok(format($$update outreach.send_log set send_status = 'queued' where send_id = %L$$, :'s'), 'OR025', null,
                 'the owner cannot move opened back to queued');
set local role outreach_hub_writer;
select throws_ok(format($$update outreach.send_log set send_status = 'sent' where send_id = %L$$, :'s'), 'OR025', null,
                 'the writer cannot move opened back to sent');
select throws_ok(format($$update outreach.send_log set send_status = 'sent' where send_id = %L$$, :'c'), 'OR025', null,
                 'nor move a cancelled send');
select lives_ok(format($$update outreach.send_log set send_status = 'clicked', clicked_at = now() where send_id = %L$$, :'s'),
                'the writer moves it forward');
select lives_ok(format($$update outreach.send_log set send_status = 'clicked', delivered_at = now() where send_id = %L$$, :'s'),
                'and rewrites the same status with other columns');
reset role;
set local session_replication_role = replica;
select throws_ok(format($$update outreach.send_log set send_status = 'delivered' where send_id = %L$$, :'s'), 'OR025', null,
                 'replica mode cannot skip the guard');
set local session_replication_role = origin;
select is((select send_status from outreach.send_log where send_id = :'s'), 'clicked', 'the status is where it was moved forward to');

select throws_like(format($$update outreach.send_log set send_status = 'queued' where send_id = %L$$, :'s'),
                   '%' || :'s' || '%clicked%queued%', 'the message names the send and both statuses');
set local role outreach_hub_writer;
select is((select count(*)::int from outreach.record_event(:'s', 'email_reply', now(), 'instantly')), 1, 'record_event still moves it up');
reset role;
select is((select send_status from outreach.send_log where send_id = :'s'), 'replied', 'to replied');

select * from finish();
rollback;
