-- SPEC §11.1 / §12: provider_lead_key normalises the key a lead is known by.
begin;
select plan(6);

select is(outreach.provider_lead_key('  Jane.Doe@Acme.COM '), 'jane.doe@acme.com', 'an email is trimmed and lower-cased');
select is(outreach.provider_lead_key('https://www.LinkedIn.com/in/Jane-Doe/?utm_source=x#top'), 'https://linkedin.com/in/jane-doe',
          'a LinkedIn URL loses www., query, fragment and trailing slash, in lower case');
select is(outreach.provider_lead_key('http://linkedin.com/in/jane-doe'), 'https://linkedin.com/in/jane-doe', 'http and https are one key');
select is(outreach.provider_lead_key('linkedin.com/in/jane-doe//'), 'https://linkedin.com/in/jane-doe', 'a URL without scheme gets one');
select is(outreach.provider_lead_key('   '), null, 'blank is NULL');
select is(outreach.provider_lead_key(null), null, 'NULL is NULL');

select * from finish();
rollback;
