-- SPEC §11.4: when sending becomes halted (a kill switch trips) one pause_campaign
-- per active provider campaign is appended in the same transaction; when it is no
-- longer halted (cleared, or the cap's period ended), one resume_campaign each.
begin;
select plan(9);
\ir ../fixtures.sql
\ir ../handoff/_helpers.sql
\ir _helpers.sql

select pg_temp.provider_campaign('instantly', 'inst-1') as inst \gset
select pg_temp.provider_campaign('smartlead', '4242') as smart \gset
select pg_temp.provider_campaign('heyreach', 'hr-1') as hey \gset
select pg_temp.provider_campaign('instantly', 'inst-paused', 'paused') as paused \gset
select pg_temp.campaign('Queue') as queue_camp \gset

create function pg_temp.items(k text) returns text language sql stable as $$
  select string_agg(provider || ':' || provider_campaign_id, ', ' order by provider, provider_campaign_id)
    from outreach.provider_outbox where kind = k
$$;

-- The daily cap trips (cap 0: reached at once).
update outreach.settings set daily_send_cap = 0;
savepoint before_trip;
select count(*) from outreach.check_kill_switches(gen_random_uuid(), '2025-03-04 10:00+00');
select is(pg_temp.items('pause_campaign'), 'heyreach:hr-1, instantly:inst-1, smartlead:4242',
          'a trip pauses every active provider campaign, once each');
rollback to savepoint before_trip;
select is((select count(*)::int from outreach.provider_outbox), 0, 'rolled back with the trip: nothing is left');

select count(*) from outreach.check_kill_switches(gen_random_uuid(), '2025-03-04 10:00+00');
select count(*) from outreach.check_kill_switches(gen_random_uuid(), '2025-03-04 11:00+00');
select is((select count(*)::int from outreach.provider_outbox where kind = 'pause_campaign'), 3,
          'checking again while halted appends nothing');

-- A second switch trips while halted: nothing new; clearing it while the cap still halts: nothing either.
update outreach.kill_switch_state set tripped = true, tripped_at = '2025-03-04 11:30+00', resumes_at = null
 where switch = 'bounce_rate';
select outreach.clear_kill_switch('bounce_rate', 'ops', 'looked at it');
select is((select count(*)::int from outreach.provider_outbox), 3, 'another switch tripping or clearing while halted appends nothing');

-- The cap's period ends: the next check resumes sending and the campaigns.
update outreach.settings set daily_send_cap = 1000;
select count(*) from outreach.check_kill_switches(gen_random_uuid(), '2025-03-05 00:00:01+00');
select is(pg_temp.items('resume_campaign'), 'heyreach:hr-1, instantly:inst-1, smartlead:4242',
          'the end of the halt resumes every active provider campaign, once each');
select ok((select bool_and(p.seq < r.seq) from outreach.provider_outbox p join outreach.provider_outbox r using (provider, provider_campaign_id)
            where p.kind = 'pause_campaign' and r.kind = 'resume_campaign'), 'each resume comes after its pause');

-- A rate switch tripped and cleared by a person.
update outreach.kill_switch_state set tripped = true, tripped_at = '2025-03-05 10:00+00', resumes_at = null
 where switch = 'complaint_rate';
select is((select count(*)::int from outreach.provider_outbox where kind = 'pause_campaign'), 6, 'a rate switch trip pauses again');
select outreach.clear_kill_switch('complaint_rate', 'ops', 'fixed the list');
select is((select count(*)::int from outreach.provider_outbox where kind = 'resume_campaign'), 6, 'clearing it resumes again');
select is((select count(*)::int from outreach.provider_outbox where provider_campaign_id = 'inst-paused'), 0,
          'a campaign the operator paused is neither paused nor resumed');

select * from finish();
rollback;
