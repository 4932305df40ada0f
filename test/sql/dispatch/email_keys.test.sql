-- The keys an address is suppressed by (SPEC §10.4): the address, its domain and every
-- parent domain, lower-cased and trimmed; a bare domain is its own only key.
begin;
select plan(8);

select is(outreach.email_keys('a@x.rival.com'), array['a@x.rival.com', 'x.rival.com', 'rival.com', 'com'], 'address, domain and parents');
select is(outreach.email_keys('  Pat.Doe@Sub.Example.ORG '), array['pat.doe@sub.example.org', 'sub.example.org', 'example.org', 'org'],
          'lower case, trimmed');
select is(outreach.email_keys('rival.com'), array['rival.com'], 'a bare domain: itself');
select is(outreach.email_keys('a@'), array['a@'], 'an address without a domain: itself');
select is(outreach.email_keys('a@b..c'), array['a@b..c', 'b..c', '.c', 'c'], 'empty labels keep their dots');
select is(outreach.email_keys(null), array[null::text], 'NULL: one NULL key (matches nothing)');
select ok(outreach.suppression_matches('rival.com', 'ceo@mail.rival.com'), 'a parent domain suppresses a subdomain address');
select ok(not outreach.suppression_matches('rival.com', 'ceo@notrival.com'), 'only at a dot boundary');

select * from finish();
rollback;
