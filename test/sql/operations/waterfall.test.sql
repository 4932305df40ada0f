-- Issue 10: the hub registry holds the spine doctrine's waterfall; v_waterfall and
-- waterfall_status() show what the upstream hubs reported and who holds records back.
begin;
select plan(10);
\ir ../fixtures.sql

select is((select array_agg((waterfall_order, hub_id, doctrine_id, must_pass_before)::text order by waterfall_order) from outreach.hub_registry),
          array['(1,company_target,04.04.01,people_intelligence)', '(2,dol_filings,04.04.03,people_intelligence)',
                '(3,people_intelligence,04.04.02,outreach_execution)', '(4,blog_content,04.04.05,)',
                '(5,outreach_execution,04.04.04,)'],
          'the registry holds the doctrine''s waterfall: order, doctrine id, the hub each must pass before');
select is((select array_agg(hub_id order by hub_id) from outreach.v_execution_prerequisites),
          array['company_target', 'dol_filings', 'people_intelligence'], 'three hubs must PASS before Outreach Execution');
select is((select array_agg(must_pass_before order by waterfall_order) from outreach.v_waterfall),
          array['People Intelligence', 'People Intelligence', 'Outreach Execution', 'parallel', 'Handoff'],
          'v_waterfall names the next step of each hub');

-- Upstream hubs write outreach_id, hub_id, status (and updated_at): nothing else is needed.
select pg_temp.ready_record() as a \gset
select pg_temp.ready_record() as b \gset
select pg_temp.ready_record() as c \gset
select lives_ok(format($$insert into outreach.upstream_status (outreach_id, hub_id, status) values
                         (%L, 'company_target', 'PASS'), (%L, 'dol_filings', 'PASS'), (%L, 'people_intelligence', 'PASS'),
                         (%L, 'company_target', 'PASS'), (%L, 'people_intelligence', 'FAIL'),
                         (%L, 'blog_content', null)$$, :'a', :'a', :'a', :'b', :'b', :'c'),
                'an upstream hub inserts with the columns it writes');
select throws_ok(format($$insert into outreach.upstream_status (outreach_id, hub_id, status) values (%L, 'bit_engine', 'PASS')$$, :'a'),
                 '23503', null, 'an unknown hub is a hard failure');
select throws_ok(format($$insert into outreach.upstream_status (outreach_id, hub_id, status) values (%L, 'company_target', 'OK')$$, :'c'),
                 '23514', null, 'a status other than PASS / FAIL / NULL is refused');

select is((select array_agg((hub_id, passed, failed, undecided, holding_back)::text order by waterfall_order) from outreach.v_waterfall),
          array['(company_target,2,0,0,1)', '(dol_filings,1,0,0,2)', '(people_intelligence,1,1,0,2)',
                '(blog_content,0,0,1,)', '(outreach_execution,0,0,0,)'],
          'per hub: PASS / FAIL / undecided and how many of the 3 reported-on records lack its PASS');

select is((select array_agg((hub_id, status, blocks)::text order by waterfall_order) from outreach.waterfall_status(:'b')),
          array['(company_target,PASS,f)', '(dol_filings,,t)', '(people_intelligence,FAIL,t)', '(blog_content,,f)', '(outreach_execution,,f)'],
          'waterfall_status(b): DOL Filings (no row) and People Intelligence (FAIL) block it');
select is((select count(*)::int from outreach.waterfall_status(:'a') where blocks), 0, 'waterfall_status(a): nothing blocks');

-- The writer role may report; the reader may look.
set local role outreach_hub_writer;
select lives_ok(format($$insert into outreach.upstream_status (outreach_id, hub_id, status) values (%L, 'dol_filings', 'PASS')
                         on conflict (outreach_id, hub_id) do update set status = excluded.status, updated_at = excluded.updated_at$$, :'b'),
                'the hub writer upserts a status');
reset role;

select * from finish();
rollback;
