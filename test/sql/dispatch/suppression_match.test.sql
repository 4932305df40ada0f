-- SPEC §10.4 matching: exact address, glob (*), domain and its subdomains, case;
-- suppress returns one id per active pattern; bad patterns 22023; lifting keeps the
-- row; rows are never deleted.
begin;
select plan(26);
\ir ../fixtures.sql

select outreach.suppress('  Ann@Acme.COM ', 'asked by phone', 'manual', gen_random_uuid()) as ann \gset
select outreach.suppress('legal@*', 'never write to legal', 'manual', gen_random_uuid());
select outreach.suppress('*@rival.com', 'competitor', 'import', gen_random_uuid());
select outreach.suppress('customer.example', 'existing customer', 'manual', gen_random_uuid());

select ok(outreach.is_suppressed('ann@acme.com'), 'exact address');
select ok(outreach.is_suppressed(' ANN@acme.Com'), 'exact address, any case and spacing');
select ok(not outreach.is_suppressed('anna@acme.com'), 'not a longer local part');
select ok(not outreach.is_suppressed('bob@acme.com'), 'not a colleague');
select ok(outreach.is_suppressed('legal@anything.org'), 'glob legal@*');
select ok(outreach.is_suppressed('Legal@Acme.com'), 'glob, any case');
select ok(not outreach.is_suppressed('paralegal@acme.com'), 'a glob is anchored at both ends');
select ok(outreach.is_suppressed('ceo@rival.com'), 'glob *@rival.com');
select ok(not outreach.is_suppressed('ceo@notrival.com'), '*@rival.com does not match notrival.com');
select ok(outreach.is_suppressed('x@customer.example'), 'domain');
select ok(outreach.is_suppressed('x@eu.mail.customer.example'), 'domain: subdomains too');
select ok(not outreach.is_suppressed('x@notcustomer.example'), 'domain: not a longer name ending the same way');
select ok(not outreach.is_suppressed(null) and not outreach.is_suppressed(''), 'NULL and blank are not suppressed');
select outreach.suppress('under_score@x.example', 'literal underscore', 'manual', gen_random_uuid());
select ok(not outreach.is_suppressed('underXscore@x.example'), 'LIKE''s own wildcards are literal');

select is(outreach.suppress('ANN@acme.com', 'again', 'manual', gen_random_uuid()), :'ann'::uuid,
          'an identical active pattern returns the same id');
select is((select count(*)::int from outreach.suppressions where pattern = 'ann@acme.com'), 1, 'and adds no row');
select is((select pattern from outreach.suppressions where suppression_id = :'ann'), 'ann@acme.com', 'stored lower-cased and trimmed');

select throws_ok($$select outreach.suppress('  ', 'x', 'manual', gen_random_uuid())$$, '22023', null, 'blank pattern: 22023');
select throws_ok($$select outreach.suppress('*', 'x', 'manual', gen_random_uuid())$$, '22023', null, '* alone: 22023');
select throws_ok($$select outreach.suppress('*@*', 'x', 'manual', gen_random_uuid())$$, '22023', null, '*@* (every address): 22023');
select throws_ok($$select outreach.suppress('a@b@c.com', 'x', 'manual', gen_random_uuid())$$, '22023', null, 'two @: 22023');
select throws_ok($$select outreach.suppress('nodot', 'x', 'manual', gen_random_uuid())$$, '22023', null, 'a domain without a dot: 22023');
select throws_ok($$insert into outreach.suppressions (pattern, correlation_id) values ('bad pattern', gen_random_uuid())$$, '22023', null,
                 'a direct insert is checked the same way');

select is(outreach.lift_suppression('ann@ACME.com', 'ops', 'spoke again'), :'ann'::uuid, 'lifting returns the lifted suppression');
select ok(not outreach.is_suppressed('ann@acme.com'), 'a lifted pattern no longer suppresses');
select throws_ok(format('delete from outreach.suppressions where suppression_id = %L', :'ann'), 'OR005', null,
                 'suppressions are never deleted (OR005)');

select * from finish();
rollback;
