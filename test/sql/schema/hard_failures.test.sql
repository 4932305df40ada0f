-- Hub model hard failures: no target or no spine is a constraint violation, never a default.
begin;
select plan(8);
\ir ../fixtures.sql

select outreach.init_outreach(pg_temp.company('Anchor'), pg_temp.cid()) as oid \gset
insert into outreach.company_target (outreach_id) values (:'oid') returning target_id as tid \gset

select throws_ok(format($$insert into outreach.people (outreach_id, full_name) values (%L, 'x')$$, :'oid'), '23502', null,
                 'a person without a target is refused');
select throws_ok(format($$insert into outreach.people (target_id, full_name) values (%L, 'x')$$, :'tid'), '23502', null,
                 'a person without an outreach record is refused');
select throws_ok(format($$insert into outreach.people (outreach_id, target_id) values (gen_random_uuid(), %L)$$, :'tid'), '23503', null,
                 'a person whose target belongs to another record is refused');
select throws_ok($$insert into outreach.company_target (domain) values ('x.example')$$, '23502', null,
                 'a target without an outreach record is refused');
select throws_ok(format($$insert into outreach.company_target (outreach_id) values (%L)$$, :'oid'), '23505', null,
                 'one target per outreach record');
select throws_ok(format($$insert into outreach.company_slot (outreach_id, slot_type) values (%L, 'COO')$$, :'oid'), '23514', null,
                 'slots are HR, CEO or CFO');
insert into outreach.bit_scores (outreach_id, score) values (:'oid', 74.9);
select is((select score_tier from outreach.bit_scores where outreach_id = :'oid'), 'HOT', 'tier is derived from the score (74.9 → HOT)');
update outreach.bit_scores set score = 75 where outreach_id = :'oid';
select is((select score_tier from outreach.bit_scores where outreach_id = :'oid'), 'BURNING', 'the tier follows the score (75 → BURNING)');

select * from finish();
rollback;
