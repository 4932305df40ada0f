--------------------------------------------------------------------------------
-- Shared helpers: append-only guard, error recording.
-- (outreach.check_correlation_id lives in the migration: the correlation_id
--  domain depends on it.)
--------------------------------------------------------------------------------

create or replace function outreach_private.forbid_log_change()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  raise exception '% on %.% is not allowed: the log is append-only', tg_op, tg_table_schema, tg_table_name
    using errcode = 'OR005',
          detail = case when tg_level = 'ROW' then format('row %s', row_to_json(old)) else 'statement-level' end,
          hint = 'Logs are corrected by appending a new row, never by changing an old one.';
end
$$;
comment on function outreach_private.forbid_log_change() is
  'Trigger function: raises OR005 for any update, delete or truncate of an append-only log.';

create or replace function outreach.record_error(
  correlation_id uuid,
  source text,
  message text,
  sqlstate text default null,
  detail jsonb default '{}',
  outreach_id uuid default null
)
returns uuid
language sql
volatile
security definer  -- writes what no hub role may write directly (docs/security.md)
set search_path = ''
as $$
  insert into outreach.outreach_errors (correlation_id, source, sqlstate, message, detail, outreach_id)
  values (record_error.correlation_id, record_error.source, record_error.sqlstate,
          record_error.message, coalesce(record_error.detail, '{}'), record_error.outreach_id)
  returning error_id;
$$;
comment on function outreach.record_error(uuid, text, text, text, jsonb, uuid) is
  'Appends one error to outreach.outreach_errors with its correlation id (OR004 if that is not a UUID v4); returns the error id.';
