-- SPEC §5 roles: the writer runs the provider functions; the provider tables change
-- only through them; hub_reader reads and writes nothing.
begin;
select plan(17);
\ir ../fixtures.sql
\ir ../handoff/_helpers.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select pg_temp.provider_campaign('instantly', 'inst-1') as camp \gset
select pg_temp.pushed(:'oid', :'camp', 'L1') as enr \gset
select pg_temp.hr_email(:'oid') as email \gset
insert into outreach.provider_outbox (provider, kind, provider_campaign_id, correlation_id)
values ('instantly', 'pause_campaign', 'inst-1', gen_random_uuid());

select table_privs_are('outreach', 'provider_outbox', 'outreach_hub_writer', array['SELECT'], 'writer only reads the outbox');
select table_privs_are('outreach', 'provider_leads', 'outreach_hub_writer', array['SELECT'], 'writer only reads provider_leads');
select table_privs_are('outreach', 'handoff_events', 'outreach_hub_writer', array['SELECT'], 'writer only reads handoff_events');

set local role outreach_hub_writer;
select throws_ok($$update outreach.provider_outbox set status = 'done', done_at = now()$$, '42501', null,
                 'writer cannot mark outbox items done by UPDATE');
select throws_ok($$insert into outreach.provider_outbox (provider, kind, provider_campaign_id, correlation_id)
                   values ('instantly', 'resume_campaign', 'x', gen_random_uuid())$$, '42501', null, 'writer cannot append to the outbox');
select throws_ok($$update outreach.provider_leads set enrolment_id = gen_random_uuid()$$, '42501', null,
                 'writer cannot re-point a provider lead');
select lives_ok(format($$select * from outreach.record_provider_event('instantly', 'inst-1', %L, 1, 'email_open', now(), '{}', null, gen_random_uuid())$$, :'email'),
                'writer records provider events');
select lives_ok(format($$select outreach.record_event(send_id, 'email_reply', now(), 'gmail') from outreach.send_log where enrolment_id = %L$$, :'enr'),
                'writer records a reply seen elsewhere');
select lives_ok($$select * from outreach.claim_outbox(gen_random_uuid(), 'instantly')$$, 'writer claims the outbox');
select is((select count(*)::int from outreach.provider_outbox where kind = 'stop_lead' and enrolment_id = :'enr'), 1,
          'the writer''s reply event reached the outbox through the trigger');
select lives_ok($$select outreach.suppress('rival.example', 'competitor', 'manual', gen_random_uuid())$$,
                'writer suppresses a domain');
select is((select count(*)::int from outreach.provider_outbox where kind = 'block_domain' and lead_key = 'rival.example'), 1,
          'the writer''s suppression reached the outbox through the trigger');
select lives_ok($$select outreach.record_booking('calendly', 'garbage', now(), 'created', gen_random_uuid())$$,
                'writer records bookings');
reset role;

set local role hub_reader;
select throws_ok(format($$select * from outreach.record_provider_event('instantly', 'inst-1', %L, 1, 'email_open', now())$$, :'email'),
                 '42501', null, 'reader cannot record provider events');
select throws_ok($$select * from outreach.claim_outbox(gen_random_uuid(), 'instantly')$$, '42501', null, 'reader cannot claim');
select lives_ok($$select count(*) from outreach.provider_outbox$$, 'reader reads the outbox');
select is(outreach.verify_calendar_token('x'), 'malformed', 'reader may verify a token');
reset role;

select * from finish();
rollback;
