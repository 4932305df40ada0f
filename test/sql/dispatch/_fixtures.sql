-- Fixtures of the dispatch tests (pg_temp, gone with the session). Include after
--   \ir ../fixtures.sql
--   \ir ../engagement/_fixtures.sql
-- Names start with d_. The reference moment is Monday 2030-01-07 15:00 UTC
-- (10:00 in New York, the default time zone: inside the default 09:00–17:00 window).

-- A campaign with a sender and `steps` active steps whose templates use the
-- dispatch placeholders; pref = the steps' send_time_preference.
create function pg_temp.d_campaign(sender text default 'queue', steps int default 2,
                                   pref text default 'business_hours', provider_id text default null)
returns uuid language plpgsql volatile as $$
declare
  cid uuid;
begin
  insert into outreach.campaigns (campaign_name, campaign_status, sender, provider_campaign_id)
  values ('Dispatch ' || substr(gen_random_uuid()::text, 1, 8), 'active', sender,
          coalesce(provider_id, case when sender in ('instantly', 'smartlead', 'heyreach') then 'prov-1' end))
  returning campaign_id into cid;
  insert into outreach.sequences (campaign_id, sequence_name, sequence_order, delay_days, send_time_preference,
                                  subject_template, body_template)
  select cid, 'step ' || g, g, case when g = 1 then 0 else 3 end, pref,
         'Step ' || g || ' for {{first_name}} at {{company_name}}',
         'Hello {{first_name}}. Unsubscribe: {{unsubscribe_url}}'
    from generate_series(1, steps) g;
  return cid;
end $$;

-- A queued step-1 send of a new company in the campaign, scheduled at `at`.
create function pg_temp.d_send(campaign uuid, at timestamptz default '2030-01-07 14:00Z')
returns uuid language sql volatile as $$
  select pg_temp.eng_send(campaign, 'queued', null, at);
$$;

-- Claim with defaults (queue sender, 5-minute lease, at the reference moment).
create function pg_temp.d_claim(sender text default 'queue', n int default 100,
                                at timestamptz default '2030-01-07 15:00Z', lease interval default '5 minutes')
returns setof uuid language sql volatile as $$
  select c.send_id from outreach.claim_sends(gen_random_uuid(), sender, n, lease, at) c;
$$;

-- The current claim token of a send.
create function pg_temp.d_token(send uuid) returns uuid language sql stable as $$
  select claim_token from outreach.send_log where send_id = send;
$$;
