-- Issue 8: promote stores the proof line and the rendered subject on the queued send.
-- A subject that cannot render is stored NULL, the error is recorded in
-- outreach_errors, and the promotion goes on; records without a proof-backed
-- message are promoted with NULL proof and subject (the gate decides enrolment).
begin;
select plan(14);
\ir ../fixtures.sql
\ir _fixtures.sql

select timestamptz '2026-05-04 10:00:00+00' as t \gset
select pg_temp.campaign();

-- a: band 4, full evidence → proof and subject.
select pg_temp.msg_evidence(pg_temp.msg_record(4, 'COST_PRESSURE', 90)) as a \gset
-- b: no band → promoted by the score alone, no message to authorize.
select pg_temp.msg_record(null, null, 85) as b \gset
-- c: band 3, blog only → authorized, but the CFO cost subject needs DOL figures.
select pg_temp.msg_record(3, 'COST_PRESSURE', 80) as c \gset
select pg_temp.msg_blog(:'c', 'expansion', 'Opens two plants', '2026-04-01 09:00:00+00');
-- d: band 4 without People evidence → not authorized (no proof), still eligible.
select pg_temp.msg_record(4, 'DEADLINE_PROXIMITY', 75) as d \gset
select pg_temp.msg_dol(:'d', date '2026-07-18', 18);
-- e: band 3, its template removed.
select pg_temp.msg_record(3, 'DEADLINE_PROXIMITY', 70) as e \gset
select pg_temp.msg_dol(:'e', date '2026-06-03', null);
delete from outreach.message_templates where audience = 'HR' and pressure_class = 'DEADLINE_PROXIMITY';

-- A dry run writes nothing, errors included.
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 10, :'t', true)), 5, 'dry run lists the five');
select is((select count(*)::int from outreach.outreach_errors), 0, '... and records no error');

select pg_temp.cid() as cid \gset
create temp table got as select * from outreach.promote(:'cid', 10, :'t');
select is((select count(*)::int from got where send_id is not null), 5, 'all five are queued: a template never fails the promotion');

select is((select (proof_line, subject) from outreach.send_log where outreach_id = :'a'),
          (outreach.proof_line(:'a', :'t'), (select subject from outreach.render_message(:'a', :'t'))),
          'a: the proof line and the rendered subject are stored');
select alike((select subject from outreach.send_log where outreach_id = :'a'), '%: employer contribution +18% with renewal in 75 days',
             'a: the subject is the CFO cost template, rendered');
select is((select slot_type from got where outreach_id = :'a'), 'CFO', 'a: queued to the audience slot');

select is((select (proof_line, subject) from outreach.send_log where outreach_id = :'b'), (null::text, null::text),
          'b (no band): queued with neither proof nor subject');

select is((select (proof_line, subject) from outreach.send_log where outreach_id = :'c'),
          ('COST_PRESSURE detected via Blog: expansion "Opens two plants" (2026-04-01)'::text, null::text),
          'c: the proof line is stored, the subject that cannot render is NULL');
select is((select (sqlstate, correlation_id::uuid, detail ->> 'send_id', detail -> 'missing')
             from outreach.outreach_errors where outreach_id = :'c'),
          ('OR010'::text, :'cid'::uuid, (select send_id::text from got where outreach_id = :'c'),
           '["contribution_change", "renewal_days"]'::jsonb),
          'c: OR010 recorded with the correlation id, the send and the missing placeholders');

select is((select (proof_line, subject) from outreach.send_log where outreach_id = :'d'), (null::text, null::text),
          'd (no proof): queued with neither proof nor subject');
select is((select count(*)::int from outreach.outreach_errors where outreach_id = :'d'), 0, 'd: not an error');

select is((select (proof_line, subject) from outreach.send_log where outreach_id = :'e'),
          ('DEADLINE_PROXIMITY detected via DOL: renewal in 30 days'::text, null::text),
          'e: proof stored, no subject without a template');
select is((select sqlstate from outreach.outreach_errors where outreach_id = :'e'), 'OR011',
          'e: OR011 recorded');

select is((select count(*)::int from outreach.outreach_errors), 2, 'exactly the two render failures are recorded');

select * from finish();
rollback;
