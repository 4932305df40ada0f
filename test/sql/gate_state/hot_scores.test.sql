-- A score change updates the record's gate state row in place (a HOT update: no index
-- entry written) when its page has room: no index of the state reads the score, the tier
-- or the band, and the partial indexes are defined by the generated masks, which keep
-- their value while a scored record's score changes (migration 000022). The records are
-- committed and the table vacuumed first (through dblink), so their page has room.
begin;
select plan(5);
\ir ../fixtures.sql

select is(array(select i.indexrelid::regclass::text from pg_index i
                 where i.indrelid = 'outreach.gate_state'::regclass
                   and pg_get_indexdef(i.indexrelid) ~ '\m(bit_score|score_tier|band)\M'),
          '{}'::text[], 'no index of the gate state reads the score, the tier or the band');

select current_setting('oeh.test_dsn') as dsn \gset
select dblink_connect('a', :'dsn');
select oid from dblink('a', $$
  with c as (insert into cl.company_identity (company_name) select 'Hot ' || n from generate_series(1, 3) n returning sovereign_company_id),
       o as (select outreach.init_outreach(c.sovereign_company_id, gen_random_uuid()) as oid from c),
       t as (insert into outreach.company_target (outreach_id, domain, email_pattern, industry)
             select oid, 'h.example', '{first}', 'Retail' from o returning outreach_id),
       s as (insert into outreach.bit_scores (outreach_id, score, band) select outreach_id, 60, 4 from t returning outreach_id)
  select string_agg(outreach_id::text, ',' order by outreach_id) from s $$) as t(oid text) \gset
select split_part(:'oid', ',', 1) as r1, split_part(:'oid', ',', 2) as r2, split_part(:'oid', ',', 3) as r3 \gset
select dblink_exec('a', 'vacuum outreach.gate_state');
select dblink_disconnect('a');

select pg_stat_get_xact_tuples_updated('outreach.gate_state'::regclass) as upd0,
       pg_stat_get_xact_tuples_hot_updated('outreach.gate_state'::regclass) as hot0 \gset
-- Within its tier; into another tier; the band changed but not across 3.
update outreach.bit_scores set score = 61 where outreach_id = :'r1';
update outreach.bit_scores set score = 90 where outreach_id = :'r2';
update outreach.bit_scores set score = 62, band = 5 where outreach_id = :'r3';
select is(pg_stat_get_xact_tuples_updated('outreach.gate_state'::regclass) - :upd0, 3::bigint,
          'three score changes: three state rows updated');
select is(pg_stat_get_xact_tuples_hot_updated('outreach.gate_state'::regclass) - :hot0, 3::bigint,
          '... all three in place (HOT)');
select is((select array_agg((g.bit_score, g.score_tier, g.band)::text order by g.outreach_id) from outreach.gate_state g
            where g.outreach_id in (:'r1', :'r2', :'r3')),
          array['(61,HOT,4)', '(90,BURNING,4)', '(62,HOT,5)'], '... with the new score, tier and band');

-- The band crossing 3 changes scored_mask (band_below_3), which the scored index holds:
-- not in place, and still exact.
select pg_stat_get_xact_tuples_hot_updated('outreach.gate_state'::regclass) as hot1 \gset
update outreach.bit_scores set band = 2 where outreach_id = :'r1';
select is((select (g.scored_mask & 8192 <> 0, pg_stat_get_xact_tuples_hot_updated('outreach.gate_state'::regclass) - :hot1)::text
             from outreach.gate_state g where g.outreach_id = :'r1'),
          '(t,0)', 'a band crossing 3 is kept in scored_mask (an indexed value: not HOT)');

select * from finish();
rollback;
