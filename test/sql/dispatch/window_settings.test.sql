-- SPEC §10.1/§10.3: the values the windows and senders read are checked when written:
-- unknown time zone, window start not before end, days outside 1..7 → 22023; a
-- provider campaign needs its provider_campaign_id; nothing is written.
begin;
select plan(12);
\ir ../fixtures.sql

select pg_temp.ready_record() as r \gset
select target_id as t from outreach.company_target where outreach_id = :'r' \gset
select pg_temp.campaign() as c \gset

select lives_ok(format('update outreach.company_target set timezone = %L where target_id = %L', 'Asia/Kathmandu', :'t'), 'a known IANA zone is accepted');
select throws_ok(format('update outreach.company_target set timezone = %L where target_id = %L', 'Mars/Olympus', :'t'), '22023', null, 'an unknown zone is refused (22023)');
select throws_ok(format('update outreach.company_target set timezone = %L where target_id = %L', 'UTC+5', :'t'), '22023', null, 'so is a POSIX offset string');
select is((select timezone from outreach.company_target where target_id = :'t'), 'Asia/Kathmandu', 'nothing was written');
select outreach.init_outreach(pg_temp.company('Zone Co'), gen_random_uuid()) as z \gset
select throws_ok(format($$insert into outreach.company_target (outreach_id, domain, timezone) values (%L, 'x.example', 'Nowhere/City')$$, :'z'),
                 '22023', null, 'also on insert');
select throws_ok(format($$update outreach.campaigns set send_window_start = '17:00', send_window_end = '09:00' where campaign_id = %L$$, :'c'),
                 '22023', null, 'a window that ends before it starts is refused (22023)');
select throws_ok(format($$update outreach.campaigns set send_window_start = '09:00', send_window_end = '09:00' where campaign_id = %L$$, :'c'),
                 '22023', null, 'so is an empty window');
select throws_ok(format($$update outreach.campaigns set send_days = '{1,8}' where campaign_id = %L$$, :'c'),
                 '22023', null, 'a weekday outside 1..7 is refused (22023)');
select throws_ok($$update outreach.settings set default_timezone = 'Atlantis/Capital'$$, '22023', null, 'an unknown default time zone is refused (22023)');
select throws_ok(format($$update outreach.campaigns set sender = 'instantly' where campaign_id = %L$$, :'c'),
                 '23514', null, 'a provider campaign needs provider_campaign_id');
select lives_ok(format($$update outreach.campaigns set sender = 'instantly', provider_campaign_id = 'abc' where campaign_id = %L$$, :'c'),
                'with it, it is accepted');
select throws_ok(format($$update outreach.campaigns set sender = 'mailchimp' where campaign_id = %L$$, :'c'),
                 '23514', null, 'an unknown sender is refused');

select * from finish();
rollback;
