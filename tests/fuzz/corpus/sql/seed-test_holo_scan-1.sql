SET client_min_messages = warning;
CREATE TYPE ${p}_pt AS (x int4, y text, z numeric(10, 2));
$(ddl "${p}_src")
$(ddl "${p}_dst")
INSERT INTO ${p}_src VALUES
 (1, true, -32768, 2147483647, -9223372036854775808, 'NaN', '-Infinity',
  -9999999999999999999999999999.9999999999, 123456789012345678.0123456789,
  E'tab\there\nnew\rcr \\\\ back "q" ''a''', 'v1', '\\x00ff0a', '1899-12-31', '23:59:59.999999',
  '1900-01-01 00:00:00.123456', '9999-12-31 23:59:59+00', '{"k": [1, 2]}', '{"a": null}',
  '{1,NULL,3}', '{NULL,-9223372036854775808}', '{"a b",NULL,"c\\"d","e\\\\f",""}', '{NaN,-0,1.5}',
  '{1.5,NULL,-99999999999999.9999}', '{{1,2},{3,NULL}}', ROW(7, 'q"x', -1.25),
  '{"x": 1, "y": "s"}', '{"k1": 1, "k2": null}'),
 (2, false, 0, -2147483648, 0, '-0', 'Infinity', 0.0000000001, -0.5, '', '', '', '0001-01-01',
  '00:00:00', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', '[]', '[]', '{}', '{}', '{}', '{}',
  '{}', '{}', ROW(NULL, NULL, NULL), '{"x": null, "y": null}', '{}'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO ${p}_src
SELECT i, i % 3 = 0, (i % 30000)::int2, i * 7, i::int8 * 1000003, i / 7.0, i * 1.000001,
  (i * 1.0123456789)::numeric(38, 10), i / 8.0, 'row ' || i || E'\t' || md5(i::text), 'v' || i,
  decode(md5(i::text), 'hex'), date '1800-01-01' + i * 37, time '00:00' + i * interval '17 second',
  timestamp '1850-01-01' + i * interval '13 hour 7 second 123 microsecond',
  timestamptz '1950-01-01 00:00+00' + i * interval '1 day 1 microsecond',
  json_build_object('i', i), jsonb_build_object('i', i, 's', 'x' || i),
  ARRAY[i, NULL, -i], ARRAY[i::int8 * 3], ARRAY['s' || i, NULL, 'a,b'], ARRAY[i / 3.0::float8],
  ARRAY[(i / 16.0)::numeric(20, 4)], ARRAY[ARRAY[i, i + 1], ARRAY[i + 2, i + 3]],
  ROW(i, 's' || i, (i / 4.0)::numeric(10, 2))::${p}_pt,
  jsonb_build_object('x', i, 'y', 'y' || i), jsonb_build_object('k', i)
FROM generate_series(4, 3003) i;
