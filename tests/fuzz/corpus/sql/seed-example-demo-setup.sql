-- Setup for `make demo` (plain SQL, run with psql before the job): the
-- target table of the seed 000_* example, created afresh on every run so
-- the demo can be repeated.
SET client_min_messages = warning;
DROP TABLE IF EXISTS public.realtime_sink;
CREATE TABLE public.realtime_sink (
  user_id bigint PRIMARY KEY,
  user_name text,
  price numeric(38, 2),
  sale_timestamp timestamptz
);
