--------------------------------------------------------------------------------
-- A campaign's channel follows its sender (SPEC §12): heyreach campaigns are
-- linkedin, every other sender email. The column defaults to email, so a HeyReach
-- campaign written without a channel gets linkedin here; any other mismatch (a
-- queue campaign said to be linkedin, a heyreach one said to be email on update)
-- is refused by campaigns_channel_sender_check (23514).
--------------------------------------------------------------------------------

create or replace function outreach_private.default_campaign_channel()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if new.sender = 'heyreach' and new.channel = 'email'
     and (tg_op = 'INSERT' or old.sender is distinct from new.sender) then
    new.channel := 'linkedin';
  elsif tg_op = 'UPDATE' and old.sender = 'heyreach' and new.sender <> 'heyreach'
        and new.channel = 'linkedin' and old.channel = 'linkedin' then
    -- Moving a campaign off HeyReach moves it back to email.
    new.channel := 'email';
  end if;
  return new;
end
$$;
comment on function outreach_private.default_campaign_channel() is
  'Trigger function: a heyreach campaign written with the default channel (email) becomes linkedin, and a campaign moved off heyreach becomes email; other mismatches are left to the check constraint (23514).';

drop trigger if exists campaigns_channel on outreach.campaigns;
create trigger campaigns_channel
  before insert or update of sender, channel on outreach.campaigns
  for each row execute function outreach_private.default_campaign_channel();
comment on trigger campaigns_channel on outreach.campaigns is 'A campaign''s channel follows its sender: heyreach is linkedin, the others email.';
