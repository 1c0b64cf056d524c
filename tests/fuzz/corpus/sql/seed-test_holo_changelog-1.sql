DROP TABLE IF EXISTS hf_cl_ev, hf_cl_ref, hf_cl_t;
CREATE TABLE hf_cl_ev (seq int, op text, id bigint, name text, price numeric(12,2), qty int);
\copy hf_cl_ev FROM '$T/events.tsv'
CREATE TABLE hf_cl_ref (id bigint PRIMARY KEY, name text, price numeric(12,2), qty int, extra text DEFAULT 'dflt');
CREATE OR REPLACE FUNCTION hf_cl_apply(oc text, ds text) RETURNS void AS \$\$
DECLARE e record;
BEGIN
  TRUNCATE hf_cl_ref;
  INSERT INTO hf_cl_ref SELECT g, 'pre', 1.00, 1, 'pre' FROM generate_series(1, 400, 3) g;
  FOR e IN SELECT * FROM hf_cl_ev ORDER BY seq LOOP
    IF e.op IN ('+I', '+U') THEN
      IF oc = 'INSERT_OR_IGNORE' THEN
        INSERT INTO hf_cl_ref (id, name, price, qty) VALUES (e.id, e.name, e.price, e.qty) ON CONFLICT (id) DO NOTHING;
      ELSIF oc = 'INSERT_OR_UPDATE' THEN
        INSERT INTO hf_cl_ref (id, name, price, qty) VALUES (e.id, e.name, e.price, e.qty)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, price = excluded.price, qty = excluded.qty;
      ELSE
        INSERT INTO hf_cl_ref (id, name, price, qty) VALUES (e.id, e.name, e.price, e.qty)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, price = excluded.price, qty = excluded.qty, extra = DEFAULT;
      END IF;
    ELSIF e.op = '-D' THEN
      IF ds IN ('CHANGELOG_STANDARD', 'DELETE_ROW_ON_PK') THEN
        DELETE FROM hf_cl_ref WHERE id = e.id;
      ELSIF ds = 'NON_PK_FIELD_TO_NULL' THEN
        UPDATE hf_cl_ref SET name = NULL, price = NULL, qty = NULL WHERE id = e.id;
      END IF;
    END IF;
  END LOOP;
END \$\$ LANGUAGE plpgsql;
CREATE TABLE hf_cl_t (LIKE hf_cl_ref INCLUDING ALL);
