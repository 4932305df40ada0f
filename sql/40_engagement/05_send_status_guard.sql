--------------------------------------------------------------------------------
-- A send's status never moves backwards, whoever writes it: the external sender
-- updates send_status with plain UPDATEs (a pinned interface column), and
-- record_event(s) only ever moves it up (00_event_rules.sql). A change to a lower
-- rank, or any change of a cancelled send, is OR025 for every role, the owner in
-- replica mode included (ENABLE ALWAYS).
--------------------------------------------------------------------------------

create or replace function outreach_private.guard_send_status()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if old.send_status = 'cancelled'
     or outreach.send_status_rank(new.send_status) < outreach.send_status_rank(old.send_status) then
    raise exception 'send % cannot move back from % to %', old.send_id, old.send_status, new.send_status
      using errcode = 'OR025',
            detail = 'queued < sent < delivered < opened < clicked < bounced = failed < replied; cancelled never moves',
            hint = 'A send''s status only moves up; report what happened as an event with outreach.record_event instead.';
  end if;
  return new;
end
$$;
comment on function outreach_private.guard_send_status() is
  'Trigger function: refuses (OR025) an update that lowers a send''s status rank or changes a cancelled send.';

drop trigger if exists send_log_status_forward on outreach.send_log;
-- The WHEN clause is the whole rule (send_status_rank is inlined into it), so the
-- function runs only for an update it refuses: a batch of events that moves 500 sends
-- up calls nothing here.
create trigger send_log_status_forward
  before update of send_status on outreach.send_log
  for each row
  when (old.send_status is distinct from new.send_status
        and (old.send_status = 'cancelled'
             or outreach.send_status_rank(new.send_status) < outreach.send_status_rank(old.send_status)))
  execute function outreach_private.guard_send_status();
alter table outreach.send_log enable always trigger send_log_status_forward;
comment on trigger send_log_status_forward on outreach.send_log is
  'Status only moves up, for every role (OR025).';
