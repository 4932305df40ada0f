--! Previous: sha1:38dc9a3da2ed6f460ada4a668243ed4d50a1498c
--! Hash: sha1:17d943040b26d64b85b2f6cd056967e3b6df407d
--! Message: Private serialisation locks: promote and advance_sequences serialise on a row no hub role can lock

--------------------------------------------------------------------------------
-- 000007 — Serialisation locks in outreach_private.
--
-- promote and advance_sequences count and spend the send caps one at a time. They
-- used a transaction advisory lock, which any role (hub_reader included) can take
-- with the same key and hold forever. They now lock a row of this table, in a
-- schema no hub role may use: only the hub's security definer functions reach it.
--------------------------------------------------------------------------------

set local lock_timeout = '5s';
set local statement_timeout = '5min';

create table if not exists outreach_private.serial_locks (
  lock_name text primary key,
  purpose   text not null
);
comment on table outreach_private.serial_locks is
  'One row per serialisation point of the hub''s functions (locked FOR UPDATE by them); no hub role can read or lock it.';

insert into outreach_private.serial_locks (lock_name, purpose)
values ('send_capacity', 'promote and advance_sequences count and spend the daily and hourly send caps one at a time')
on conflict (lock_name) do nothing;
