-- SPEC §4/§5: calendar_link = base URL + sid, oid, exp (as_of + TTL, unix s), kid, sig (hex HMAC-SHA256 over sid|oid|exp).
begin;
select plan(13);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as oid \gset
select sovereign_company_id as sid from outreach.outreach where outreach_id = :'oid' \gset
select outreach.calendar_link(:'oid', pg_temp.t0()) as link \gset

select matches(:'link'::text,
  '^https://book\.example\.com/meet\?sid=[0-9a-f-]{36}&oid=[0-9a-f-]{36}&exp=[0-9]+&kid=[0-9A-Za-z-]+&sig=[0-9a-f]{64}$',
  'the link is the base URL with sid, oid, exp, kid and sig, all URL-safe');
select is(pg_temp.param(:'link', 'sid'), :'sid'::text, 'sid is the sovereign company id');
select is(pg_temp.param(:'link', 'oid'), :'oid'::text, 'oid is the outreach id');
select is(pg_temp.param(:'link', 'exp')::bigint, 1741694400::bigint,
          'exp is as_of + 72 h in unix seconds (2025-03-11 12:00 UTC)');
select is(pg_temp.param(:'link', 'kid'), (select kid from outreach_private.calendar_keys where retired_at is null),
          'kid names the signing key');
select is(pg_temp.param(:'link', 'sig'),
          (select encode(public.hmac(convert_to(:'sid' || '|' || :'oid' || '|1741694400', 'UTF8'), secret, 'sha256'), 'hex')
             from outreach_private.calendar_keys where retired_at is null),
          'sig is the lower-case hex HMAC-SHA256 of "sid|oid|exp" under that key');
select is(outreach.verify_calendar_link(:'sid', :'oid', 1741694400, pg_temp.param(:'link', 'sig'), pg_temp.t0()),
          'valid', 'the link verifies when it is made');
select is(outreach.calendar_link(:'oid', pg_temp.t0()), :'link'::text, 'the same record and as_of give the same link');
select is(pg_temp.param(outreach.calendar_link(:'oid', pg_temp.t0() + interval '0.999999 s'), 'exp')::bigint,
          1741694400::bigint, 'exp is whole seconds, rounded down');

update outreach.settings set calendar_ttl = interval '1 hour';
select is(pg_temp.param(outreach.calendar_link(:'oid', pg_temp.t0()), 'exp')::bigint,
          (extract(epoch from pg_temp.t0()) + 3600)::bigint, 'the TTL is the calendar_ttl setting');

update outreach.settings set calendar_base_url = 'https://cal.example.org/book?team=sales';
select matches(outreach.calendar_link(:'oid', pg_temp.t0()), '^https://cal\.example\.org/book\?team=sales&sid=',
               'the base URL is the calendar_base_url setting; an existing query string is extended with &');
update outreach.settings set calendar_base_url = 'https://cal.example.org/book#slots';
select matches(outreach.calendar_link(:'oid', pg_temp.t0()), '^https://cal\.example\.org/book\?sid=.*&sig=[0-9a-f]{64}#slots$',
               'the parameters go before a fragment');

select throws_ok(format('select outreach.calendar_link(%L)', gen_random_uuid()), 'OR008', null,
                 'an unknown outreach id is OR008');

select * from finish();
rollback;
