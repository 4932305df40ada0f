-- SPEC §4 promote: best score first; step 1 queued with the correlation id; target
-- active, spine ACTIVE; dry run writes nothing; bad input writes nothing.
begin;
select plan(17);
\ir ../fixtures.sql

select has_function('outreach', 'promote', array['uuid', 'integer', 'timestamp with time zone', 'boolean'],
                    'promote(uuid, int, timestamptz, bool) exists');

select pg_temp.campaign() as camp \gset
select pg_temp.ready_record(55) as low \gset
select pg_temp.ready_record(90) as high \gset
select pg_temp.ready_record(70) as mid \gset
select pg_temp.ready_record(20) as cold \gset
select timestamptz '2026-05-04 10:15:00+00' as t \gset

-- Dry run.
select is((select array_agg(outreach_id order by ord) from (select outreach_id, row_number() over () as ord
             from outreach.promote(gen_random_uuid(), 10, :'t', true)) x),
          array[:'high', :'mid', :'low']::uuid[], 'dry run lists the eligible, best score first');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 10, :'t', true) where send_id is not null), 0,
          'dry run returns no send ids');
select is((select count(*)::int from outreach.send_log), 0, 'dry run wrote no send');
select is((select count(*)::int from outreach.company_target where target_status = 'active'), 0, 'dry run changed no target');

-- Bad input writes nothing.
select throws_ok(format('select * from outreach.promote(%L)', pg_temp.uuid_v(1)), 'OR004', null, 'a v1 correlation id is OR004');
select throws_ok($$select * from outreach.promote(gen_random_uuid(), 0)$$, '22023', null, 'max_rows 0 is refused');
select is((select count(*)::int from outreach.send_log), 0, 'refused calls wrote nothing');

-- Real run, max_rows 2.
select pg_temp.cid() as cid \gset
create temp table got as select * from outreach.promote(:'cid', 2, :'t');
select is((select array_agg(outreach_id order by outreach_id) from got), (select array_agg(x order by x) from unnest(array[:'high', :'mid']::uuid[]) x),
          'the two best scores are promoted');
select is((select count(*)::int from outreach.send_log l join got g using (send_id)
            where l.send_status = 'queued' and l.sequence_step = 1 and l.scheduled_at = :'t'
              and l.correlation_id::uuid = :'cid' and l.campaign_id = :'camp' and l.person_id = g.person_id
              and l.email_to = g.email_to and l.sequence_id = g.sequence_id), 2,
          'each is a queued step 1, scheduled at as_of, with the caller''s correlation id, campaign, step and contact');
select is((select slot_type from got where outreach_id = :'high'), 'HR', 'the contact slot is returned');
select is((select count(*)::int from outreach.company_target where target_status = 'active'), 2, 'their targets are active');
select is((select count(*)::int from outreach.outreach where status = 'ACTIVE'), 2, 'their spine rows are ACTIVE');

-- Second run: the rest; the promoted are now already_in_outreach.
select is((select array_agg(outreach_id) from outreach.promote(gen_random_uuid(), 10, :'t')), array[:'low']::uuid[],
          'the next run promotes only the remaining eligible record');
select is(pg_temp.reasons(:'high', :'t'), array['already_in_outreach'], 'a promoted record is already_in_outreach');
select is((select count(*)::int from outreach.promote(gen_random_uuid(), 10, :'t')), 0, 'nothing left to promote');
select is((select count(*)::int from outreach.send_log where outreach_id = :'cold'), 0, 'the cold record was never queued');

select * from finish();
rollback;
