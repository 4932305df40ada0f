-- SPEC §6.12: a tampered link never verifies. sid/oid that do not name one spine
-- row together are unknown_outreach; any other change is bad_signature.
begin;
select plan(16);
\ir ../fixtures.sql
\ir _helpers.sql

select pg_temp.staffed_record('Acme') as a_oid, pg_temp.staffed_record('Bravo') as b_oid \gset
select outreach.calendar_link(:'a_oid', pg_temp.t0()) as a_link, outreach.calendar_link(:'b_oid', pg_temp.t0()) as b_link \gset
select pg_temp.param(:'a_link', 'sid') as a_sid, pg_temp.param(:'a_link', 'exp') as a_exp, pg_temp.param(:'a_link', 'sig') as a_sig,
       pg_temp.param(:'b_link', 'sid') as b_sid, pg_temp.param(:'b_link', 'sig') as b_sig \gset
-- verify as of t0 (valid time) unless said otherwise
create function pg_temp.v(sid text, oid text, exp bigint, sig text, as_of timestamptz default pg_temp.t0())
returns text language sql stable as $$ select outreach.verify_calendar_link(sid::uuid, oid::uuid, exp, sig, as_of) $$;

select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp, :'a_sig'), 'valid', 'the untouched link is valid');

select is(pg_temp.v(:'b_sid', :'a_oid', :a_exp, :'a_sig'), 'unknown_outreach', 'sid of another company: unknown_outreach');
select is(pg_temp.v(gen_random_uuid()::text, :'a_oid', :a_exp, :'a_sig'), 'unknown_outreach', 'made-up sid: unknown_outreach');
select is(pg_temp.v(:'a_sid', :'b_oid', :a_exp, :'a_sig'), 'unknown_outreach', 'oid of another record: unknown_outreach');
select is(pg_temp.v(:'a_sid', gen_random_uuid()::text, :a_exp, :'a_sig'), 'unknown_outreach', 'made-up oid: unknown_outreach');
select is(pg_temp.v(:'b_sid', :'b_oid', :a_exp, :'a_sig'), 'bad_signature',
          'sid and oid both swapped for another real record: bad_signature');

select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp + 1, :'a_sig'), 'bad_signature', 'exp pushed later: bad_signature');
select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp - 1, :'a_sig'), 'bad_signature', 'exp pulled earlier: bad_signature');
select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp - 1, :'a_sig', to_timestamp(:a_exp + 10)), 'bad_signature',
          'a tampered link past its exp is bad_signature, never expired');

select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp,
                    left(:'a_sig', 63) || case right(:'a_sig', 1) when '0' then '1' else '0' end),
          'bad_signature', 'one hex digit of sig changed: bad_signature');
select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp, left(:'a_sig', 62)), 'bad_signature', 'sig truncated: bad_signature');
select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp, :'b_sig'), 'bad_signature', 'another record''s sig: bad_signature');
select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp,
                    encode(public.hmac(convert_to(:'a_sid' || '|' || :'a_oid' || '|' || :'a_exp', 'UTF8'),
                                       public.gen_random_bytes(32), 'sha256'), 'hex')),
          'bad_signature', 'right message signed with a key the hub does not hold: bad_signature');
select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp, ''), 'bad_signature', 'empty sig: bad_signature');
select is(outreach.verify_calendar_link(:'a_sid', :'a_oid', :a_exp, null, pg_temp.t0()), 'bad_signature',
          'missing sig: bad_signature');
select is(pg_temp.v(:'a_sid', :'a_oid', :a_exp, upper(:'a_sig')), 'valid',
          'hex is case-insensitive: an upper-cased sig is the same signature');

select * from finish();
rollback;
