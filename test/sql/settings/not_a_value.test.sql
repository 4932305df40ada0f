-- NaN and infinity are not scores or thresholds: a NaN score sorted above every
-- number (BURNING, promoted first); a NaN or infinite threshold silently stopped
-- all sending. Scores are refused by a CHECK constraint (23514), settings by the
-- settings guard (22023 with a HINT); intervals must be finite.
begin;
select plan(18);
\ir ../fixtures.sql

select pg_temp.ready_record(null) as r \gset
select target_id as t from outreach.company_target where outreach_id = :'r' \gset
select throws_ok(format($$insert into outreach.bit_scores (outreach_id, score) values (%L, 'NaN')$$, :'r'),
                 '23514', null, 'a NaN score is refused');
select throws_ok(format($$insert into outreach.bit_scores (outreach_id, score) values (%L, 'Infinity')$$, :'r'),
                 '23514', null, 'an infinite score is refused');
insert into outreach.bit_scores (outreach_id, score) values (:'r', 60);
select throws_ok(format($$update outreach.bit_scores set score = 'NaN' where outreach_id = %L$$, :'r'),
                 '23514', null, 'updating a score to NaN is refused');
set local role outreach_hub_writer;
select throws_ok(format($$update outreach.bit_scores set score = 'NaN' where outreach_id = %L$$, :'r'),
                 '23514', null, 'also for the writer role');
reset role;
select is((select score from outreach.bit_scores where outreach_id = :'r'), 60::numeric, 'the score is unchanged');

select throws_ok($$update outreach.settings set bit_threshold = 'NaN'$$, '22023', null, 'a NaN threshold is refused');
select throws_ok($$update outreach.settings set bit_threshold = 'Infinity'$$, '22023', null, 'an infinite threshold is refused');
select throws_ok($$update outreach.settings set bit_threshold = '-Infinity'$$, 'OR007', null, 'minus infinity is weaker than 50 (OR007)');
select is((select bit_threshold from outreach.settings), 50::numeric, 'the threshold is unchanged');

select throws_ok($$update outreach.settings set bounce_rate_ceiling = 'NaN'$$, '23514', null, 'a NaN rate ceiling is refused');
select throws_ok($$update outreach.settings set complaint_rate_ceiling = 'Infinity'$$, '23514', null, 'an infinite rate ceiling is refused');
select throws_ok($$update outreach.settings set max_clock_skew = '-1 second'$$, '23514', null, 'a negative clock skew is refused');
select throws_ok($$update outreach.settings set max_clock_skew = '25 hours'$$, '23514', null, 'a clock skew over 24 h is refused');
select lives_ok($$update outreach.settings set max_clock_skew = '2 minutes'$$, 'a clock skew of minutes is accepted');

-- Send times the sender writes directly must be times.
select throws_ok(format($$insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
                          values (%L, %L, 'x@example.com', 'sent', now(), 'infinity', gen_random_uuid())$$, :'r', :'t'),
                 '23514', null, 'a send at infinity is refused');
select throws_ok(format($$insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, correlation_id)
                          values (%L, %L, 'x@example.com', 'queued', '200000-01-01 00:00+00', gen_random_uuid())$$, :'r', :'t'),
                 '23514', null, 'a send scheduled in year 200000 is refused');
select lives_ok(format($$insert into outreach.send_log (outreach_id, target_id, email_to, send_status, scheduled_at, sent_at, correlation_id)
                         values (%L, %L, 'x@example.com', 'sent', now(), null, gen_random_uuid())$$, :'r', :'t'),
                'a send without sent_at is accepted');

-- Infinite intervals exist from PostgreSQL 17 on.
select case when current_setting('server_version_num')::int >= 170000
            then throws_ok($$update outreach.settings set cooling_off = 'infinity'$$, '22023', null,
                           'an infinite cooling-off is refused')
            else skip('infinite intervals need PostgreSQL 17', 1) end;

select * from finish();
rollback;
